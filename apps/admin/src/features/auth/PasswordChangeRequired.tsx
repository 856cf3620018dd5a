import { Alert, Button, Center, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useDocumentTitle } from '../../components/page';
import type { Actor } from './api';
import { ChangePasswordForm } from './ChangePasswordForm';
import { useSignOut } from './hooks';

/**
 * After signing in with a one-time password (an admin reset it, or `cm reset-password`), the server refuses
 * everything but a password change: the console asks for one before anything else.
 */
export function PasswordChangeRequired({ actor }: { actor: Actor }) {
  useDocumentTitle('Choose a new password');
  const signOut = useSignOut();
  return (
    <Center component="main" mih="100vh" p="md" className="cm-plain-background">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={460} maw="100%">
        <Stack>
          <div>
            <Title order={1} size="h2">
              Choose a new password
            </Title>
            <Text c="dimmed" size="sm">
              {actor.email}
            </Text>
          </div>
          <Alert color="yellow">You signed in with a one-time password. Choose your own to continue.</Alert>
          <ChangePasswordForm currentLabel="One-time password" />
          <Group>
            <Button variant="subtle" size="xs" onClick={() => signOut.mutate()} loading={signOut.isPending}>
              Sign out
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Center>
  );
}
