import { Controller, Delete, Get, HttpCode, Param, Res, UseGuards } from '@nestjs/common';
import type { DevicesBody } from '@cm/contracts';
import { DevicesService } from '@cm/households';
import { adviceBody } from '@cm/policy-engine';
import type { ApplicationContext } from './application-directory';
import { CmApplication, CmAuthGuard } from './cm-auth.guard';
import { answer, CmReply } from './cm-reply';
import { checkAccountPart } from './metadata';
import { RemoveDeviceUseCase } from './usecases/remove-device.usecase';
import { CmError, CmErrorCode } from './sessions.errors';

const account = (idp: string, subject: string) => ({ idp: checkAccountPart('idp', idp), subject: checkAccountPart('subject', subject) });

/** The viewer's registered devices (issue 16), beside the CM v2 player API and authenticated like it. */
@Controller('v2/devices')
@UseGuards(CmAuthGuard)
export class DevicesController {
  constructor(
    private readonly devices: DevicesService,
    private readonly removeDevice: RemoveDeviceUseCase,
  ) {}

  @Get(':idp/:subject')
  async list(
    @CmApplication() app: ApplicationContext,
    @Res({ passthrough: true }) res: unknown,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
  ): Promise<DevicesBody | undefined> {
    return answer(res, new CmReply(await this.devices.list(app.policies, account(idp, subject))));
  }

  @Delete(':idp/:subject/:deviceId')
  @HttpCode(202)
  async remove(
    @CmApplication() app: ApplicationContext,
    @Res({ passthrough: true }) res: unknown,
    @Param('idp') idp: string,
    @Param('subject') subject: string,
    @Param('deviceId') deviceId: string,
  ): Promise<undefined> {
    const { removal } = await this.removeDevice.execute(app.policies, account(idp, subject), deviceId, 'viewer');
    switch (removal.outcome) {
      case 'removed':
        return answer(res, new CmReply(undefined));
      case 'quota':
        throw new CmError(CmErrorCode.SWAP_LIMIT, removal.advice.message, adviceBody([removal.advice]));
      case 'unknown':
        throw new CmError(CmErrorCode.UNKNOWN_DEVICE, `No registered device "${deviceId.slice(0, 80)}" on this account`);
    }
  }
}
