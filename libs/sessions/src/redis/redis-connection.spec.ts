import { ReplyError } from 'ioredis';
import { isRedirect, isRedisUnavailable } from './redis-connection';

describe('which Redis failures answer 503', () => {
  it('treats a cluster redirect a pipeline could not follow as transient (the script did not run)', () => {
    const moved = new ReplyError('MOVED 12659 127.0.0.1:37837');
    expect(isRedirect(moved)).toBe(true);
    expect(isRedisUnavailable(moved)).toBe(true);
    expect(isRedisUnavailable(new ReplyError('ASK 3999 127.0.0.1:7001'))).toBe(true);
  });

  it('treats a cluster in transition or a lost connection as transient', () => {
    expect(isRedisUnavailable(new ReplyError('CLUSTERDOWN The cluster is down'))).toBe(true);
    expect(isRedisUnavailable(new ReplyError("READONLY You can't write against a read only replica."))).toBe(true);
    expect(isRedisUnavailable(new Error('Connection is closed.'))).toBe(true);
  });

  it('does not hide a script or command error as an outage', () => {
    expect(isRedisUnavailable(new ReplyError('ERR Error running script (call to f_abc): bad argument'))).toBe(false);
    expect(isRedirect(new ReplyError('ERR MOVED is not a command'))).toBe(false);
  });
});
