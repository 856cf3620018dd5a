import type { Application } from './api';

/** Ready-to-copy examples for one application: curl against the CM v2 API, and the @cm/client SDK. */
export function integrationSnippets(
  app: Pick<Application, 'id' | 'requireSecret' | 'heartbeatIntervalSeconds'>,
  baseUrl: string,
  secret?: string,
) {
  const secretValue = app.requireSecret ? (secret ?? '<your application secret>') : '';
  const user = `${app.id}:${secretValue}`;
  const curl = [
    `# Start a stream (202 + Location: the session; 409 when a policy denies it)`,
    `curl -i -X POST -u '${user}' \\`,
    `  '${baseUrl}/v2/sessions/<idp>/<subject>?channel=news&deviceId=living-room-tv'`,
    ``,
    `# Heartbeat every ${app.heartbeatIntervalSeconds} s (410 when the session was ended, 409 when dismissed)`,
    `curl -i -X POST -u '${user}' '${baseUrl}/v2/sessions/<idp>/<subject>/<sessionId>'`,
    ``,
    `# Stop`,
    `curl -i -X DELETE -u '${user}' '${baseUrl}/v2/sessions/<idp>/<subject>/<sessionId>'`,
  ].join('\n');
  const sdk = [
    `import { ConcurrencyClient } from '@cm/client';`,
    ``,
    `const cm = new ConcurrencyClient({`,
    `  baseUrl: '${baseUrl}',`,
    `  applicationId: '${app.id}',`,
    ...(app.requireSecret ? [`  secret: ${secret ? `'${secret}'` : 'process.env.CM_APP_SECRET'},`] : []),
    `});`,
    ``,
    `const result = await cm.start({ idp, subject, metadata: { channel: 'news', deviceId } });`,
    `if (result.admitted) {`,
    `  result.session.on('dismissed', () => player.pause());`,
    `  result.session.on('terminated', () => player.pause());`,
    `} else {`,
    `  // result.conflicts: the streams in the way; offer to stop one with start({ ..., terminate: [code] })`,
    `}`,
  ].join('\n');
  return { curl, sdk };
}
