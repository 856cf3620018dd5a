import { type CliCommand, type CliIo, UsageError } from '../command';
import type * as Actions from '../config/actions';

const USAGE = `Usage: cm config <export|validate|plan|apply> [options]

Configuration as code: tenants, applications and policies in a YAML or JSON file
(schema: docs/config.schema.json), planned and applied through the management API.

  cm config export [-o FILE] [--format yaml|json] [--tenant SLUG]
      Write the configuration of every tenant the token can see (stdout without -o).
  cm config validate -f FILE
      Check the file offline: its schema and its rules (no server needed). Exit 0 valid, 1 not.
  cm config plan -f FILE [--prune] [--out PLAN]
      Show what apply would create (+), change (~, field by field) and delete (-).
      Exit 0: no changes, 2: changes, 1: error. --out saves the plan for apply --plan.
  cm config apply -f FILE [--prune] [--plan PLAN] [--secrets-out FILE [--force]]
      Apply the file, one transaction per tenant; refused when a tenant changed since the plan
      (the one it shows first, or the one saved in PLAN). Objects of the file's tenants that the
      file does not list are deleted only with --prune. New application secrets are never
      printed: --secrets-out writes them to a new FILE (mode 600); an existing FILE is refused
      before anything is applied, unless --force (then replaced by a new file, mode 600).

Server and credentials (export, plan, apply): --server URL and --token TOKEN, or the
environment variables CM_SERVER_URL and CM_API_TOKEN (an API token of an admin or a
tenant-admin; a viewer's token may export and plan).
`;

type Action = (args: string[], io: CliIo) => Promise<number>;

/** Loaded on use: the actions bring the API's DTOs and validation (about a second of start-up) that `cm help` does not need. */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const actions = (): typeof Actions => require('../config/actions') as typeof Actions;

const ACTIONS: Record<string, () => Action> = {
  export: () => actions().exportConfiguration,
  validate: () => actions().validate,
  plan: () => actions().plan,
  apply: () => actions().apply,
};

export const configCommand: CliCommand = {
  name: 'config',
  summary: 'Configuration as code: export, validate, plan and apply a configuration file',
  usage: USAGE,
  run: (args, io) => {
    const [action, ...rest] = args;
    const load = action === undefined ? undefined : ACTIONS[action];
    if (!load)
      throw new UsageError(action === undefined ? 'name an action: export, validate, plan or apply' : `unknown action "${action}"`);
    return load()(rest, io);
  },
};
