import { Button, Card, Code, Group, Radio, Stack, Switch, Text, Textarea, TextInput, Title } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useState } from 'react';
import { ApiError, describeError, fieldMessage } from '../../api/client';
import type { Application, UpdateApplication } from './api';
import { useUpdateApplication } from './hooks';

interface Draft {
  enabled: boolean;
  issuer: string;
  audience: string;
  source: 'jwks' | 'url';
  jwks: string;
  jwksUrl: string;
  subjectClaim: string;
}

function draftOf(app: Application): Draft {
  const e = app.entitlements;
  return {
    enabled: e !== null,
    issuer: e?.issuer ?? '',
    audience: e?.audience ?? '',
    source: e?.jwksUrl ? 'url' : 'jwks',
    jwks: e?.jwks ? JSON.stringify(e.jwks, null, 2) : '',
    jwksUrl: e?.jwksUrl ?? '',
    subjectClaim: e?.subjectClaim ?? '',
  };
}

type Entitlements = NonNullable<UpdateApplication['entitlements']>;

/** The settings the server receives, or the message of a JWKS that is not JSON. */
function toSettings(d: Draft): { entitlements: Entitlements | null } | { error: string } {
  if (!d.enabled) return { entitlements: null };
  const base: Entitlements = { issuer: d.issuer.trim(), audience: d.audience.trim() };
  if (d.subjectClaim.trim()) base.subjectClaim = d.subjectClaim.trim();
  if (d.source === 'url') return { entitlements: { ...base, jwksUrl: d.jwksUrl.trim() } };
  try {
    const parsed: unknown = JSON.parse(d.jwks);
    const jwks = Array.isArray(parsed) ? { keys: parsed } : (parsed as Entitlements['jwks']);
    return { entitlements: { ...base, jwks } };
  } catch {
    return { error: 'The public keys must be JSON: a JWK Set {"keys":[...]} (or an array of JWKs)' };
  }
}

/**
 * Entitlements: the operator's identity system whose tokens players send (X-CM-Entitlement). Their claims become
 * claims.* attributes the rules can use; an init without a valid token answers 401.
 */
export function EntitlementsCard({ app, readOnly }: { app: Application; readOnly: boolean }) {
  const update = useUpdateApplication();
  const [draft, setDraft] = useState<Draft>(() => draftOf(app));
  const [errors, setErrors] = useState<Record<string, string>>({});
  const set = (patch: Partial<Draft>) => setDraft((d) => ({ ...d, ...patch }));
  const busy = readOnly || update.isPending;
  const dirty = JSON.stringify(draft) !== JSON.stringify(draftOf(app));

  const save = () => {
    const settings = toSettings(draft);
    if ('error' in settings) return setErrors({ 'entitlements.jwks': settings.error });
    setErrors({});
    update.mutate(
      { appId: app.id, input: { entitlements: settings.entitlements } },
      {
        onSuccess: (saved) =>
          notifications.show({ color: 'teal', message: saved.entitlements ? 'Entitlements saved' : 'Entitlements removed' }),
        onError: (error) => {
          if (error instanceof ApiError) setErrors(Object.fromEntries(error.fieldErrors.map((e) => [e.field, fieldMessage(e)])));
        },
      },
    );
  };
  const keyError = Object.entries(errors)
    .filter(([field]) => field.startsWith('entitlements.jwks') || field === 'entitlements')
    .map(([field, message]) => `${field.replace(/^entitlements\.?/, '') || 'settings'}: ${message}`)
    .join('; ');

  return (
    <Card withBorder radius="md">
      <Title order={4} mb="xs">
        Entitlements
      </Title>
      <Stack gap="sm">
        <Text size="sm" c="dimmed">
          Players send your identity system&apos;s signed token in <Code>X-CM-Entitlement</Code>. Its claims become attributes{' '}
          <Code>claims.&lt;name&gt;</Code> that rules can count, scope, filter or take their limit from; a start without a valid token gets
          401.
        </Text>
        <Switch
          label="Require entitlement tokens"
          checked={draft.enabled}
          onChange={(e) => set({ enabled: e.currentTarget.checked })}
          disabled={busy}
        />
        {draft.enabled && (
          <>
            <Group grow align="flex-start" wrap="wrap">
              <TextInput
                label="Issuer"
                description="The tokens' iss"
                placeholder="https://id.example.com"
                value={draft.issuer}
                onChange={(e) => set({ issuer: e.currentTarget.value })}
                error={errors['entitlements.issuer']}
                disabled={busy}
              />
              <TextInput
                label="Audience"
                description="The tokens' aud"
                placeholder="concurrency-monitor"
                value={draft.audience}
                onChange={(e) => set({ audience: e.currentTarget.value })}
                error={errors['entitlements.audience']}
                disabled={busy}
              />
            </Group>
            <Radio.Group label="Public keys" value={draft.source} onChange={(v) => set({ source: v })}>
              <Group mt={4}>
                <Radio value="jwks" label="Paste the keys (JWKS)" disabled={busy} />
                <Radio value="url" label="Fetch them from a URL" disabled={busy} />
              </Group>
            </Radio.Group>
            {draft.source === 'jwks' ? (
              <Textarea
                label="JWKS"
                description="Public keys only (RSA, EC or OKP): a private key is refused"
                placeholder='{"keys":[{"kty":"OKP","crv":"Ed25519","x":"…","kid":"…"}]}'
                autosize
                minRows={3}
                maxRows={10}
                styles={{ input: { fontFamily: 'monospace' } }}
                value={draft.jwks}
                onChange={(e) => set({ jwks: e.currentTarget.value })}
                error={keyError || undefined}
                disabled={busy}
              />
            ) : (
              <TextInput
                label="JWKS URL"
                description="https (http only for localhost); cached 10 minutes"
                placeholder="https://id.example.com/.well-known/jwks.json"
                value={draft.jwksUrl}
                onChange={(e) => set({ jwksUrl: e.currentTarget.value })}
                error={errors['entitlements.jwksUrl'] ?? (errors.entitlements || undefined)}
                disabled={busy}
              />
            )}
            <TextInput
              label="Subject claim (optional)"
              description="When set, this claim must equal the subject of the call (e.g. sub)"
              value={draft.subjectClaim}
              onChange={(e) => set({ subjectClaim: e.currentTarget.value })}
              error={errors['entitlements.subjectClaim']}
              disabled={busy}
            />
          </>
        )}
        {update.isError && !(update.error instanceof ApiError && update.error.fieldErrors.length > 0) && (
          <Text c="red" size="sm" role="alert">
            {describeError(update.error)}
          </Text>
        )}
        {!readOnly && (
          <Group>
            <Button onClick={save} loading={update.isPending} disabled={!dirty}>
              Save entitlements
            </Button>
          </Group>
        )}
      </Stack>
    </Card>
  );
}
