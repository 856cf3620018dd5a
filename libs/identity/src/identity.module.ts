import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ApiTokenEntity } from './api-token.entity';
import { AuditEntryEntity } from './audit-entry.entity';
import { AuditLogService } from './audit-log.service';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator';
import { FirstOperatorSeeder } from './first-operator';
import { LoginFailureEntity } from './login-attempt.entity';
import { LoginThrottle } from './login-throttle';
import { ManagementAuthGuard } from './management-auth.guard';
import { ManagementReplyInterceptor } from './management-reply';
import { OperatorSessionEntity } from './operator-session.entity';
import { OperatorEntity } from './operator.entity';
import { OperatorsController } from './operators.controller';
import { OperatorsService } from './operators.service';
import { TokensController } from './tokens.controller';
import { TokensService } from './tokens.service';

/**
 * Operators, login sessions, API tokens, the management guard and the audit log. Global, so every management
 * controller's guard and interceptor (created in the controller's own module) find what they need.
 */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([OperatorEntity, OperatorSessionEntity, ApiTokenEntity, LoginFailureEntity, AuditEntryEntity])],
  controllers: [AuthController, OperatorsController, TokensController, AuditController],
  providers: [
    Authenticator,
    ManagementAuthGuard,
    ManagementReplyInterceptor,
    AuditService,
    AuditLogService,
    AuthService,
    LoginThrottle,
    OperatorsService,
    TokensService,
    FirstOperatorSeeder,
  ],
  exports: [Authenticator, ManagementAuthGuard, ManagementReplyInterceptor, AuditService, OperatorsService, FirstOperatorSeeder],
})
export class IdentityModule {}
