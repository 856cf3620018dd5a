// What every example page shares: the account and options from the query string, the client, and the visible
// state and event log of the binding. Run by each page after the SDK's script tags.
(function () {
  'use strict';
  const query = new URLSearchParams(location.search);
  const number = (name) => (query.has(name) ? Number(query.get(name)) : undefined);

  /** The binding's options for this page: `?idp=demo-idp&subject=alice&device=...&pauseGrace=10&timeScale=1`. */
  function options(sdk, player) {
    const applicationId = query.get('app') || 'demo-app';
    const timeScale = number('timeScale');
    return {
      client: new sdk.ConcurrencyClient({ baseUrl: location.origin, applicationId, ...(timeScale ? { timeScale } : {}) }),
      idp: query.get('idp') || 'demo-idp',
      subject: query.get('subject') || 'alice',
      metadata: { deviceName: query.get('device') || `${player} example`, channel: query.get('channel') || 'Test pattern' },
      pauseGraceSeconds: number('pauseGrace'),
      failOpen: query.get('failOpen') === '1',
      onConflict: CM.ui.conflictDialog(),
    };
  }

  /** Shows the binding's state and events on the page (and keeps the binding as `window.cmBinding`). */
  function show(binding) {
    const state = document.getElementById('state');
    const events = document.getElementById('events');
    const log = (text) => {
      const item = document.createElement('li');
      item.textContent = `${new Date().toLocaleTimeString()} ${text}`;
      events.prepend(item);
    };
    binding.on('state', ({ state: s }) => (state.textContent = s));
    binding.on('started', ({ session, terminated }) =>
      log(`started ${session.terminationCode}${terminated.length ? `, stopped ${terminated.join(', ')}` : ''}`),
    );
    binding.on('heartbeat', ({ expiresInMs }) => log(`heartbeat, expires in ${Math.round(expiresInMs / 1000)} s`));
    binding.on('denied', ({ conflicts }) => log(`denied: ${conflicts.length} streams playing`));
    binding.on('stopped', ({ reason }) => log(`stopped (${reason})`));
    binding.on('terminated', () => log('terminated: stopped from another device'));
    binding.on('dismissed', () => log('dismissed by a policy'));
    binding.on('deviceRemoved', () => log('device removed from the account'));
    binding.on('expired', ({ reason }) => log(`expired (${reason})`));
    binding.on('error', ({ error, willRetry }) => log(`error ${error.kind}${willRetry ? ', retrying' : ''}`));
    window.cmBinding = binding;
  }

  function account() {
    return { idp: query.get('idp') || 'demo-idp', subject: query.get('subject') || 'alice' };
  }

  window.cmExample = { options, show, account, loop: query.get('loop') !== '0' };
})();
