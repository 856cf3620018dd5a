import { useMediaQuery } from '@mantine/hooks';

/** Below Mantine's `sm` breakpoint (48em, 768 px): a phone, where wide tables keep only their key columns. */
export const useIsPhone = (): boolean => useMediaQuery('(max-width: 48em)') ?? false;
