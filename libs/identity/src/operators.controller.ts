import { Body, Delete, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation } from '@nestjs/swagger';
import type { Actor } from './actor';
import { CurrentActor, ManagementController, Roles } from './decorators';
import { CreateOperatorDto, IdParams, OperatorDto, PasswordResetDto, UpdateOperatorDto } from './dto/operator.dto';
import { type Operator, OperatorsService } from './operators.service';

/** Admins manage every operator; tenant-admins the tenant-admins and viewers of their tenant; viewers none. */
@ManagementController('operators', 'operators')
@Roles('admin', 'tenant-admin')
export class OperatorsController {
  constructor(private readonly operators: OperatorsService) {}

  @Post()
  @ApiOperation({ summary: 'Create an operator' })
  @ApiCreatedResponse({ type: OperatorDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateOperatorDto): Promise<Operator> {
    return this.operators.create(actor, body);
  }

  @Get()
  @ApiOperation({ summary: 'List the operators you may manage' })
  @ApiOkResponse({ type: [OperatorDto] })
  list(@CurrentActor() actor: Actor): Promise<Operator[]> {
    return this.operators.list(actor);
  }

  @Get(':id')
  @ApiOkResponse({ type: OperatorDto })
  @ApiNotFoundResponse()
  get(@CurrentActor() actor: Actor, @Param() params: IdParams): Promise<Operator> {
    return this.operators.get(actor, params.id);
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an operator (a new password ends their login sessions)' })
  @ApiOkResponse({ type: OperatorDto })
  @ApiNotFoundResponse()
  update(@CurrentActor() actor: Actor, @Param() params: IdParams, @Body() body: UpdateOperatorDto): Promise<Operator> {
    return this.operators.update(actor, params.id, body);
  }

  @Post(':id/password-reset')
  @HttpCode(200)
  @ApiOperation({
    summary: "Reset another operator's password to a one-time password (shown once); their login sessions end and they must change it",
  })
  @ApiOkResponse({ type: PasswordResetDto })
  @ApiNotFoundResponse()
  resetPassword(@CurrentActor() actor: Actor, @Param() params: IdParams): Promise<{ operator: Operator; password: string }> {
    return this.operators.resetPassword(actor, params.id);
  }

  @Delete(':id')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete an operator, their sessions and API tokens' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse()
  async delete(@CurrentActor() actor: Actor, @Param() params: IdParams): Promise<void> {
    await this.operators.delete(actor, params.id);
  }
}
