import { Button, Group, PasswordInput, Stack } from '@mantine/core';
import { useForm } from '@mantine/form';
import { ApiError, setFieldErrors } from '../../api/client';
import { FormError } from '../../components/states';
import { useChangePassword } from './hooks';

/** Must match the server's minimum (libs/identity/src/passwords.ts). */
export const PASSWORD_MIN_LENGTH = 12;

/**
 * Your own password: the current one (or the one-time password of a reset), then the new one twice. The server
 * checks the same rules and names the field it refuses.
 */
export function ChangePasswordForm({ currentLabel = 'Current password', onDone }: { currentLabel?: string; onDone?: () => void }) {
  const change = useChangePassword();
  const form = useForm({
    initialValues: { currentPassword: '', newPassword: '', confirm: '' },
    validate: {
      currentPassword: (v) => (v ? null : `Enter your ${currentLabel.toLowerCase()}`),
      newPassword: (v, values) =>
        v.length < PASSWORD_MIN_LENGTH
          ? `At least ${PASSWORD_MIN_LENGTH} characters`
          : v === values.currentPassword
            ? 'Choose a password different from the current one'
            : null,
      confirm: (v, values) => (v === values.newPassword ? null : 'The two new passwords differ'),
    },
  });
  const tooMany = change.error instanceof ApiError && change.error.status === 429;
  return (
    <form
      noValidate
      aria-label="Change password"
      onSubmit={form.onSubmit(({ currentPassword, newPassword }) => {
        form.clearErrors();
        change.mutate(
          { currentPassword, newPassword },
          {
            onSuccess: () => {
              form.reset();
              onDone?.();
            },
            onError: (error) => {
              setFieldErrors(error, form.setFieldError);
            },
          },
        );
      })}
    >
      <Stack maw={420}>
        <PasswordInput
          label={currentLabel}
          autoComplete="current-password"
          required
          {...form.getInputProps('currentPassword')}
          disabled={change.isPending}
        />
        <PasswordInput
          label="New password"
          description={`At least ${PASSWORD_MIN_LENGTH} characters`}
          autoComplete="new-password"
          required
          {...form.getInputProps('newPassword')}
          disabled={change.isPending}
        />
        <PasswordInput
          label="New password again"
          autoComplete="new-password"
          required
          {...form.getInputProps('confirm')}
          disabled={change.isPending}
        />
        <FormError error={tooMany || (change.isError && !(change.error instanceof ApiError)) ? change.error : null} />
        <Group>
          <Button type="submit" loading={change.isPending}>
            Change password
          </Button>
        </Group>
      </Stack>
    </form>
  );
}
