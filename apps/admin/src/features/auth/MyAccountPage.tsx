import { Badge, Card, Group, SegmentedControl, Stack, Text, Title } from '@mantine/core';
import { useMantineColorScheme } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { Page } from '../../components/page';
import { ChangePasswordForm } from './ChangePasswordForm';
import { useMe } from './hooks';

/** The signed-in operator's own page: who they are, their password, how the console looks. */
export function MyAccountPage() {
  const me = useMe().data;
  const { colorScheme, setColorScheme } = useMantineColorScheme();
  return (
    <Page title="My account" description="Your sign-in and how the console looks on this browser">
      <Card withBorder radius="md">
        <Group gap="sm">
          <Text fw={500}>{me?.email}</Text>
          <Badge variant="light">{me?.role}</Badge>
        </Group>
      </Card>
      <Card withBorder radius="md">
        <Stack gap="sm">
          <Title order={2} size="h4">
            Change my password
          </Title>
          <Text size="sm" c="dimmed">
            Your other signed-in browsers are signed out; this one stays signed in. API tokens keep working.
          </Text>
          <ChangePasswordForm onDone={() => notifications.show({ color: 'teal', message: 'Your password is changed' })} />
        </Stack>
      </Card>
      <Card withBorder radius="md">
        <Stack gap="sm">
          <Title order={2} size="h4" id="appearance-heading">
            Appearance
          </Title>
          <Text size="sm" c="dimmed">
            System follows your computer&apos;s light or dark setting. Saved in this browser.
          </Text>
          <SegmentedControl
            aria-labelledby="appearance-heading"
            w="fit-content"
            value={colorScheme}
            onChange={(value) => setColorScheme(value)}
            data={[
              { value: 'auto', label: 'System' },
              { value: 'light', label: 'Light' },
              { value: 'dark', label: 'Dark' },
            ]}
          />
        </Stack>
      </Card>
    </Page>
  );
}
