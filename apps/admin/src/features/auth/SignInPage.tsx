import { Alert, Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useForm } from '@mantine/form';
import { IconAlertTriangle } from '@tabler/icons-react';
import { ApiError, describeError } from '../../api/client';
import { useDocumentTitle } from '../../components/page';
import { useSignIn } from './hooks';

export function SignInPage() {
  useDocumentTitle('Sign in');
  const signIn = useSignIn();
  const form = useForm({
    initialValues: { email: '', password: '' },
    validate: {
      email: (v) => (/^\S+@\S+$/.test(v) ? null : 'Enter your email address'),
      password: (v) => (v ? null : 'Enter your password'),
    },
  });
  const error = signIn.error;
  const message =
    error instanceof ApiError && error.status === 401
      ? 'Wrong email or password.'
      : error instanceof ApiError && error.status === 429
        ? `Too many failed attempts. ${error.problem.detail ?? 'Try again later.'}`
        : error
          ? describeError(error)
          : null;
  return (
    <Center component="main" mih="100vh" p="md" className="cm-plain-background">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={380} maw="100%">
        <form onSubmit={form.onSubmit((values) => signIn.mutate(values))} noValidate>
          <Stack>
            <div>
              <Title order={1} size="h2">
                Concurrency Monitor
              </Title>
              <Text c="dimmed" size="sm">
                Sign in to the console
              </Text>
            </div>
            {message && (
              <Alert color="red" icon={<IconAlertTriangle size={18} />} role="alert" title="Could not sign in">
                {message}
              </Alert>
            )}
            <TextInput
              label="Email"
              type="email"
              autoComplete="username"
              required
              // The page's one task: the cursor starts in its first field.
              // eslint-disable-next-line jsx-a11y/no-autofocus
              autoFocus
              {...form.getInputProps('email')}
              disabled={signIn.isPending}
            />
            <PasswordInput
              label="Password"
              autoComplete="current-password"
              required
              {...form.getInputProps('password')}
              disabled={signIn.isPending}
            />
            <Button type="submit" loading={signIn.isPending} fullWidth>
              Sign in
            </Button>
          </Stack>
        </form>
      </Paper>
    </Center>
  );
}
