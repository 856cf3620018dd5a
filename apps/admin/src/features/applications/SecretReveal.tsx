import { Alert, Button, Code, CopyButton, Group, Modal, Stack, Text } from '@mantine/core';
import { IconCheck, IconCopy } from '@tabler/icons-react';

/** A secret or token shown once, with a copy button; closing the dialog forgets it. */
export function SecretReveal({
  title,
  secret,
  onClose,
  what = 'secret',
}: {
  title: string;
  secret: string | null;
  onClose: () => void;
  what?: string;
}) {
  return (
    <Modal opened={!!secret} onClose={onClose} title={title} centered size="lg" closeOnClickOutside={false}>
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
          Lost it? Rotate it to get a new one; the old one stops working at once.
        </Text>
      </Stack>
    </Modal>
  );
}
