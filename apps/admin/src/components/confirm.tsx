import { Button, Group, Modal, Text } from '@mantine/core';
import { type ReactNode, useState } from 'react';

/** A button that asks before a destructive action; the dialog's confirm button names the action again. */
export function ConfirmButton({
  children,
  title,
  message,
  confirmLabel,
  onConfirm,
  loading,
  disabled,
  color = 'red',
  variant = 'light',
  size = 'sm',
  'aria-label': ariaLabel,
}: {
  children: ReactNode;
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => unknown;
  loading?: boolean;
  disabled?: boolean;
  color?: string;
  variant?: string;
  size?: string;
  'aria-label'?: string;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        color={color}
        variant={variant}
        size={size}
        onClick={() => setOpen(true)}
        disabled={disabled}
        loading={loading}
        aria-label={ariaLabel}
      >
        {children}
      </Button>
      <Modal opened={open} onClose={() => setOpen(false)} title={title} centered>
        <Text size="sm" mb="lg">
          {message}
        </Text>
        <Group justify="flex-end">
          {/* Focus starts on the harmless choice, so Enter right after opening never confirms. */}
          <Button variant="default" onClick={() => setOpen(false)} data-autofocus>
            Cancel
          </Button>
          <Button
            color={color}
            onClick={() => {
              setOpen(false);
              void onConfirm();
            }}
          >
            {confirmLabel}
          </Button>
        </Group>
      </Modal>
    </>
  );
}
