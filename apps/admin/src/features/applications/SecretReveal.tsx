import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';
import { useState } from 'react';

/**
 * A secret or token shown once, with a copy button; closing the dialog forgets it. Escape, the close button or a
 * click outside ask first: only "I have copied it" closes at once.
 */
export function SecretReveal({
  title,
  secret,
  onClose,
  what = 'secret',
  lostHint = 'Lost it? Rotate it to get a new one; the old one stops working at once.',
}: {
  title: string;
  secret: string | null;
  onClose: () => void;
  what?: string;
  /** What to do when it was not copied (tokens cannot be rotated: they are revoked and made anew). */
  lostHint?: string;
}) {
  const [confirming, setConfirming] = useState(false);
  // A new secret starts without the "close without copying?" question (state adjusted while rendering, not in an effect).
  const [shownFor, setShownFor] = useState(secret);
  if (shownFor !== secret) {
    setShownFor(secret);
    setConfirming(false);
  }
  return (
    <Modal opened={!!secret} onClose={() => setConfirming(true)} title={title} centered size="lg" closeOnClickOutside={false}>
      {confirming ? (
        <Stack>
          <Alert color="orange" role="alert" title={`Close without copying the ${what}?`}>
            It is shown only once: after closing, nobody can read it again. {lostHint}
          </Alert>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)} data-autofocus>
              Back to the {what}
            </Button>
            <Button color="red" onClick={onClose}>
              Close without copying
            </Button>
          </Group>
        </Stack>
      ) : (
        <Stack>
          <Alert color="yellow">Copy the {what} now: it is shown only once and cannot be read again.</Alert>
          <Code block data-testid="revealed-secret" style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }}>
            {secret}
          </Code>
          <Group justify="space-between">
            <CopyButton value={secret ?? ''}>
              {({ copied, copy }) => (
                <Button
                  variant="light"
                  color={copied ? 'teal' : 'blue'}
                  leftSection={copied ? <IconCheck size={16} /> : <IconCopy size={16} />}
                  onClick={copy}
                >
                  {copied ? 'Copied' : `Copy ${what}`}
                </Button>
              )}
            </CopyButton>
            <Button onClick={onClose}>I have copied it</Button>
          </Group>
          <Text size="xs" c="dimmed">
            {lostHint}
          </Text>
        </Stack>
      )}
    </Modal>
  );
}
