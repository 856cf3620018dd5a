#!/usr/bin/env bash
# Configure Concurrency Monitor with the management API, using only curl and an API token:
# a tenant, an application with a secret, a "2 devices per channel, latest wins" policy attached to it,
# then player sessions decided by that policy.
#   CM_URL=http://localhost:3000 CM_TOKEN=cmt_... bash scripts/configure-with-api.sh
set -euo pipefail
B=${CM_URL:-http://localhost:3000}
: "${CM_TOKEN:?set CM_TOKEN to an admin API token (POST /api/v1/tokens)}"
RUN=${CM_RUN:-$(date +%s)} # keeps slugs and ids unique, so the script can run again

api() { curl -sS -H "Authorization: Bearer $CM_TOKEN" -H 'Content-Type: application/json' "$@"; }
field() { sed -n "s/.*\"$1\":\"\([^\"]*\)\".*/\1/p"; } # one string field of a JSON answer

echo '# 1. a tenant'
TENANT=$(api -X POST "$B/api/v1/tenants" -d "{\"slug\":\"acme-$RUN\",\"name\":\"Acme Streaming\"}")
echo "$TENANT"
TENANT_ID=$(echo "$TENANT" | field id)

echo '# 2. an application that requires a secret (shown only in this answer)'
APP=$(api -X POST "$B/api/v1/tenants/$TENANT_ID/applications" \
  -d "{\"id\":\"acme-web-$RUN\",\"name\":\"Acme web player\",\"heartbeatIntervalSeconds\":60,\"requireSecret\":true}")
echo "$APP"
APP_ID=$(echo "$APP" | field id)
SECRET=$(echo "$APP" | field secret)

echo '# 3. the policy "2 devices per channel, latest wins"'
POLICY=$(api -X POST "$B/api/v1/tenants/$TENANT_ID/policies" -d '{"name":"2 devices per channel","rules":[
  {"name":"2 devices per channel","limit":2,"countBy":"deviceId","scope":["channel"],"onConflict":"evict-oldest"}]}')
echo "$POLICY"
POLICY_ID=$(echo "$POLICY" | field id)

echo '# 4. attach it to the application'
api -X PUT "$B/api/v1/applications/$APP_ID/policies" -d "{\"policyIds\":[\"$POLICY_ID\"]}"
echo

echo '# 5. players: the metadata the policy needs, then three devices on one channel'
curl -sS -u "$APP_ID:$SECRET" "$B/v2/metadata"
echo
start() { curl -sS -u "$APP_ID:$SECRET" -X POST "$B/v2/sessions/acme-idp/alice?channel=$1&deviceId=$2"; }
TV=$(start news tv) && echo "tv:     $TV"
PHONE=$(start news phone) && echo "phone:  $PHONE"
TABLET=$(start news tablet) && echo "tablet: $TABLET"
SPORTS=$(start sports tv) && echo "sports: $SPORTS"

echo '# 6. heartbeats: latest wins, so the oldest device on "news" (tv) was dismissed'
beat() { curl -sS -u "$APP_ID:$SECRET" -X POST -o /tmp/cm-beat.$$ -w '%{http_code}' "$B/v2/sessions/acme-idp/alice/$1"; }
echo "phone heartbeat -> $(beat "$(echo "$PHONE" | field sessionId)")"
echo "tv heartbeat -> $(beat "$(echo "$TV" | field sessionId)") $(cat /tmp/cm-beat.$$)"
rm -f /tmp/cm-beat.$$
