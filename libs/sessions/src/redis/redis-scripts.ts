/**
 * The Lua scripts of RedisSessionStore. Each runs atomically on the node holding one bucket: KEYS[1] is a key of
 * that bucket (for routing) and ARGV[1] its base `P{n}:`, from which the scripts name the bucket's other keys
 * (all in the same hash slot; see redis-keys.ts). Times are milliseconds of the Redis server clock (TIME), so
 * every api process agrees on "running" as they agree on the database clock with PostgreSQL.
 */
const PRELUDE = `
local B = ARGV[1]
local function n2s(x) return string.format('%.0f', x) end
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local function akey(idp, sub) return B .. 'a:' .. #idp .. ':' .. idp .. ':' .. sub end
local function bump(ak) redis.call('HSET', ak, 'v', redis.call('INCR', B .. 'q')) end
-- Ends an unended session at 'at' (ms) and moves it out of the running indexes; false when it was not unended.
local function end_session(id, at, reason, detail)
  local s = B .. 's:' .. id
  local f = redis.call('HMGET', s, 'a', 'i', 'u', 'en')
  if not f[1] or f[4] then
    redis.call('ZREM', B .. 'x', id)
    return false
  end
  if detail then
    redis.call('HSET', s, 'en', n2s(at), 'r', reason, 'd', detail)
  else
    redis.call('HSET', s, 'en', n2s(at), 'r', reason)
  end
  redis.call('ZREM', B .. 'x', id)
  redis.call('ZADD', B .. 'e', at, id)
  if redis.call('HINCRBY', B .. 'n', f[1], -1) <= 0 then redis.call('HDEL', B .. 'n', f[1]) end
  redis.call('SREM', B .. 'p:' .. f[1], id)
  local ak = akey(f[2], f[3])
  redis.call('HSET', ak, id, '0')
  bump(ak)
  return true
end
`;

/** KEYS[1] account; ARGV[2] 'u' (unended) or 'a' (all kept) → { now, version, { id, fields, … } }. */
const READ_ACCOUNT = `
local now = now_ms()
local h = redis.call('HGETALL', KEYS[1])
local v = '0'
local out = {}
for i = 1, #h, 2 do
  local k, val = h[i], h[i + 1]
  if k == 'v' then
    v = val
  elseif ARGV[2] == 'a' or val == '1' then
    out[#out + 1] = k
    out[#out + 1] = redis.call('HGETALL', B .. 's:' .. k)
  end
end
return { now, v, out }
`;

/**
 * KEYS[1] account; ARGV[2] the version the decision read, ARGV[3] its time (ms), ARGV[4] the writes (JSON:
 * i inserts [id, app, idp, subject, code, metadata, expiry, epoch], e ends [id, reason, detail or ''],
 * r refreshes [id, expiry, epoch, metadata or '']). Applies them only if the account has not changed since
 * the read (its version), then bumps the version: 1 applied, 0 conflict (the caller decides again).
 */
const COMMIT = `
local ak = KEYS[1]
local v = redis.call('HGET', ak, 'v') or '0'
if v ~= ARGV[2] then return 0 end
local now = tonumber(ARGV[3])
local ops = cjson.decode(ARGV[4])
for _, s in ipairs(ops.i) do
  local id = s[1]
  redis.call('HSET', B .. 's:' .. id, 'a', s[2], 'i', s[3], 'u', s[4], 'c', s[5], 'm', s[6], 'st', ARGV[3], 'ex', s[7], 'ep', s[8])
  redis.call('ZADD', B .. 'x', s[7], id)
  redis.call('HINCRBY', B .. 'n', s[2], 1)
  redis.call('SADD', B .. 'p:' .. s[2], id)
  redis.call('HSET', ak, id, '1')
end
for _, e in ipairs(ops.e) do
  if e[3] ~= '' then end_session(e[1], now, e[2], e[3]) else end_session(e[1], now, e[2], nil) end
end
for _, r in ipairs(ops.r) do
  local s = B .. 's:' .. r[1]
  if r[4] ~= '' then
    redis.call('HSET', s, 'ex', r[2], 'hb', ARGV[3], 'ep', r[3], 'm', r[4])
  else
    redis.call('HSET', s, 'ex', r[2], 'hb', ARGV[3], 'ep', r[3])
  end
  redis.call('ZADD', B .. 'x', r[2], r[1])
end
bump(ak)
return 1
`;

/**
 * The common heartbeat. KEYS[1] session; ARGV id, app, idp, subject, interval ms, grace ms, epoch → the new
 * expiry, or 0 when the session is not this account's and application's, not running, or checked at another epoch.
 */
const HEARTBEAT = `
local f = redis.call('HMGET', KEYS[1], 'a', 'i', 'u', 'ex', 'ep', 'en')
if not f[1] or f[6] or f[1] ~= ARGV[3] or f[2] ~= ARGV[4] or f[3] ~= ARGV[5] or f[5] ~= ARGV[8] then return 0 end
local now = now_ms()
if tonumber(f[4]) <= now - tonumber(ARGV[7]) then return 0 end
local ex = now + tonumber(ARGV[6])
redis.call('HSET', KEYS[1], 'ex', n2s(ex), 'hb', n2s(now))
redis.call('ZADD', B .. 'x', ex, ARGV[2])
return ex
`;

/** KEYS[1] session; ARGV id, app, idp, subject, grace ms → 1 stopped, 0 not running (or not theirs). */
const STOP = `
local f = redis.call('HMGET', KEYS[1], 'a', 'i', 'u', 'ex', 'en')
if not f[1] or f[5] or f[1] ~= ARGV[3] or f[2] ~= ARGV[4] or f[3] ~= ARGV[5] then return 0 end
local now = now_ms()
if tonumber(f[4]) <= now - tonumber(ARGV[6]) then return 0 end
end_session(ARGV[2], now, 'stopped', nil)
return 1
`;

/** KEYS[1] the bucket's expiry index; ARGV grace ms, limit → { id, fields, … } of the sessions it expired. */
const EXPIRE = `
local g = tonumber(ARGV[2])
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', n2s(now_ms() - g), 'LIMIT', 0, tonumber(ARGV[3]))
local out = {}
for _, id in ipairs(ids) do
  local ex = redis.call('HGET', B .. 's:' .. id, 'ex')
  if ex and end_session(id, tonumber(ex) + g, 'expired', nil) then
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGETALL', B .. 's:' .. id)
  else
    redis.call('ZREM', KEYS[1], id)
  end
end
return out
`;

/** KEYS[1] the bucket's ended index; ARGV cut-off ms, limit → how many ended sessions it deleted. */
const PURGE = `
local ids = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. ARGV[2], 'LIMIT', 0, tonumber(ARGV[3]))
for _, id in ipairs(ids) do
  local s = B .. 's:' .. id
  local f = redis.call('HMGET', s, 'i', 'u')
  if f[1] then
    local ak = akey(f[1], f[2])
    redis.call('HDEL', ak, id)
    if redis.call('HLEN', ak) <= 1 then redis.call('DEL', ak) end
    redis.call('DEL', s)
  end
  redis.call('ZREM', KEYS[1], id)
end
return #ids
`;

/** KEYS[1] the bucket's counts; ARGV grace ms → { app, running, … } (unended minus the silent ones). */
const RUNNING_COUNTS = `
local c = redis.call('HGETALL', KEYS[1])
if #c == 0 then return c end
local counts = {}
for i = 1, #c, 2 do counts[c[i]] = tonumber(c[i + 1]) end
local silent = redis.call('ZRANGEBYSCORE', B .. 'x', '-inf', n2s(now_ms() - tonumber(ARGV[2])))
for _, id in ipairs(silent) do
  local a = redis.call('HGET', B .. 's:' .. id, 'a')
  if a and counts[a] then counts[a] = counts[a] - 1 end
end
local out = {}
for a, n in pairs(counts) do
  if n > 0 then
    out[#out + 1] = a
    out[#out + 1] = n
  end
end
return out
`;

/** KEYS[1] the bucket's set of an application's sessions; ARGV reason, detail → { id, fields, … } it ended. */
const END_APPLICATION = `
local now = now_ms()
local out = {}
for _, id in ipairs(redis.call('SMEMBERS', KEYS[1])) do
  local ended
  if ARGV[3] ~= '' then ended = end_session(id, now, ARGV[2], ARGV[3]) else ended = end_session(id, now, ARGV[2], nil) end
  if ended then
    out[#out + 1] = id
    out[#out + 1] = redis.call('HGETALL', B .. 's:' .. id)
  end
end
redis.call('DEL', KEYS[1])
return out
`;

/** KEYS[1] session → { now, fields } (fields empty when unknown). */
const GET = `
return { now_ms(), redis.call('HGETALL', KEYS[1]) }
`;

export const SCRIPTS = {
  cmReadAccount: READ_ACCOUNT,
  cmCommit: COMMIT,
  cmHeartbeat: HEARTBEAT,
  cmStop: STOP,
  cmExpire: EXPIRE,
  cmPurge: PURGE,
  cmRunningCounts: RUNNING_COUNTS,
  cmEndApplication: END_APPLICATION,
  cmGet: GET,
} as const;

export type ScriptName = keyof typeof SCRIPTS;

/** Every script is the prelude plus its body, with one key (its bucket's routing key). */
export function scriptSource(name: ScriptName): string {
  return PRELUDE + SCRIPTS[name];
}
