import { randomBytes } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { OperatorsService } from './operators.service';

export const DEFAULT_ADMIN_EMAIL = 'admin@example.com';

export interface FirstOperatorOptions {
  /** CM_ADMIN_EMAIL; default admin@example.com */
  email?: string;
  /** CM_ADMIN_PASSWORD; generated (and printed once) when absent */
  password?: string;
  /** Where the generated password goes; default stdout. */
  print?: (text: string) => void;
}

export interface FirstOperator {
  email: string;
  /** Set only when it was generated (it was printed). */
  generatedPassword?: string;
}

/** Creates the first admin on an empty operators table. Several processes may start at once: one creates it. */
@Injectable()
export class FirstOperatorSeeder {
  private readonly logger = new Logger(FirstOperatorSeeder.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly operators: OperatorsService,
  ) {}

  /** Returns the operator it created, or null when operators already exist. */
  async ensureFirstOperator(options: FirstOperatorOptions = {}): Promise<FirstOperator | null> {
    const created = await this.dataSource.transaction(async (m) => {
      await m.query("SELECT pg_advisory_xact_lock(hashtext('cm:first-operator'))");
      if (!(await this.operators.isEmpty(m))) return null;
      const email = options.email ?? DEFAULT_ADMIN_EMAIL;
      const generatedPassword = options.password === undefined ? randomBytes(18).toString('base64url') : undefined;
      const operator = await this.operators.createUnchecked({ email, password: options.password ?? generatedPassword!, role: 'admin' }, m);
      return { email: operator.email, ...(generatedPassword ? { generatedPassword } : {}) };
    });
    if (!created) return null;
    if (created.generatedPassword) {
      const print = options.print ?? ((text: string) => process.stdout.write(text));
      const rule = '='.repeat(72);
      print(
        `\n${rule}\n  First operator created (admin). This password is shown only once:\n\n` +
          `    email:    ${created.email}\n    password: ${created.generatedPassword}\n\n` +
          `  Sign in to the console and change it (your email, top right: Change password; or\n` +
          `  POST /api/v1/auth/password), or set CM_ADMIN_EMAIL and CM_ADMIN_PASSWORD before the first start.\n` +
          `  Lost it? npm run cm -- reset-password ${created.email}\n${rule}\n\n`,
      );
    } else {
      this.logger.log(`created the first operator ${created.email} (admin) from CM_ADMIN_EMAIL/CM_ADMIN_PASSWORD`);
    }
    return created;
  }
}
