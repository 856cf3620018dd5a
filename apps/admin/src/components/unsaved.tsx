import { Button, Group, Modal, Text } from '@mantine/core';
import { useCallback, useEffect, useRef } from 'react';
import { useBlocker } from 'react-router';

/**
 * While `dirty`, leaving the page (a link, Back, closing the tab) asks first instead of discarding the edits.
 * Render the returned `element` where the page renders; call `allowLeave()` just before a navigation that follows a
 * successful save (the new state has not rendered yet).
 */
export function useUnsavedChangesGuard(dirty: boolean, what = 'your changes') {
  const state = useRef({ dirty, allowed: false });
  useEffect(() => {
    state.current.dirty = dirty;
  }, [dirty]);
  const blocker = useBlocker(
    ({ currentLocation, nextLocation }) =>
      state.current.dirty && !state.current.allowed && currentLocation.pathname !== nextLocation.pathname,
  );
  const allowLeave = useCallback(() => {
    state.current.allowed = true;
  }, []);
  useEffect(() => {
    if (!dirty) return;
    const warn = (event: BeforeUnloadEvent) => event.preventDefault();
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [dirty]);
  const element = (
    <Modal opened={blocker.state === 'blocked'} onClose={() => blocker.reset?.()} title="Leave without saving?" centered>
      <Text size="sm" mb="lg">
        You have not saved {what}. Leaving this page discards them.
      </Text>
      <Group justify="flex-end">
        <Button variant="default" onClick={() => blocker.reset?.()} data-autofocus>
          Stay on this page
        </Button>
        <Button color="red" onClick={() => blocker.proceed?.()}>
          Discard changes and leave
        </Button>
      </Group>
    </Modal>
  );
  return { element, allowLeave };
}
