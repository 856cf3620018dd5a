import { Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Actor } from './actor';
import { type AuditPage, AuditLogService } from './audit-log.service';
import { CurrentActor, ManagementController } from './decorators';
import { AuditPageDto, AuditQueryDto } from './dto/audit.dto';

@ManagementController('audit', 'audit')
export class AuditController {
  constructor(private readonly auditLog: AuditLogService) {}

  @Get()
  @ApiOperation({ summary: 'Who changed what, newest first (non-admins: their tenant only)' })
  @ApiOkResponse({ type: AuditPageDto })
  list(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.auditLog.list(actor, query);
  }
}
