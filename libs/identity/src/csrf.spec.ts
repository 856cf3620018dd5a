import { csrfViolation } from './csrf';
import type { ManagementRequest } from './request';

const request = (method: string, headers: Record<string, string>): ManagementRequest => ({
  method,
  headers: { host: 'cm.example:3000', ...headers },
});

describe(csrfViolation.name, () => {
  it('lets reads through without any header', () => {
    expect(csrfViolation(request('GET', {}))).toBeNull();
    expect(csrfViolation(request('HEAD', {}))).toBeNull();
  });

  it('accepts a same-host Origin or Referer, case-insensitively', () => {
    expect(csrfViolation(request('POST', { origin: 'http://CM.example:3000' }))).toBeNull();
    expect(csrfViolation(request('DELETE', { referer: 'https://cm.example:3000/console/x?y=1' }))).toBeNull();
  });

  it('refuses a missing, foreign, opaque or malformed origin', () => {
    expect(csrfViolation(request('POST', {}))).toMatch(/needs an Origin or Referer/);
    expect(csrfViolation(request('POST', { origin: 'http://cm.example:4000' }))).toMatch(/not this server/);
    expect(csrfViolation(request('POST', { origin: 'null' }))).toMatch(/not this server/);
    expect(csrfViolation(request('POST', { referer: 'not a url' }))).toMatch(/not this server/);
  });

  it('prefers Origin over Referer', () => {
    expect(csrfViolation(request('POST', { origin: 'https://evil.example', referer: 'http://cm.example:3000/' }))).toMatch(/Origin/);
  });

  it('needs a JSON content type when there is a body', () => {
    const origin = 'http://cm.example:3000';
    expect(csrfViolation(request('POST', { origin, 'content-length': '10', 'content-type': 'text/plain' }))).toMatch(/application\/json/);
    expect(csrfViolation(request('POST', { origin, 'transfer-encoding': 'chunked' }))).toMatch(/application\/json/);
    expect(
      csrfViolation(request('POST', { origin, 'content-length': '10', 'content-type': 'application/json; charset=utf-8' })),
    ).toBeNull();
    expect(csrfViolation(request('PATCH', { origin, 'content-length': '10', 'content-type': 'application/merge-patch+json' }))).toBeNull();
    expect(csrfViolation(request('POST', { origin, 'content-length': '0' }))).toBeNull();
  });
});
