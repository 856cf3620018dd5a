import { Global, Module } from '@nestjs/common';
import { AuditLogService } from './audit-log.service';
import { AuditController } from './audit.controller';
import { AuditService } from './audit.service';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { Authenticator } from './authenticator';
import { FirstOperatorSeeder } from './first-operator';
import { LoginThrottle } from './login-throttle';
import { ManagementAuthGuard } from './management-auth.guard';
import { ManagementReplyInterceptor } from './management-reply';
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
