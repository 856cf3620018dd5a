import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import './console.css';
import { createTheme, localStorageColorSchemeManager, MantineProvider, Modal } from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import { QueryClientProvider } from '@tanstack/react-query';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { createQueryClient } from './api/query-client';
import { App } from './App';

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'md',
  components: {
    // Every dialog's × is a named button (screen readers otherwise hear only "button").
    Modal: Modal.extend({ defaultProps: { closeButtonProps: { 'aria-label': 'Close this dialog' } } }),
  },
});
const queryClient = createQueryClient();
/** Light, dark or the system's choice (the default), kept in this browser. */
const colorSchemeManager = localStorageColorSchemeManager({ key: 'cm-color-scheme' });

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto" colorSchemeManager={colorSchemeManager}>
      <Notifications position="bottom-right" autoClose={3000} limit={3} />
      <QueryClientProvider client={queryClient}>
        <App />
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
