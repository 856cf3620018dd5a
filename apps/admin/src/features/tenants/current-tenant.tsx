import { Select } from '@mantine/core';
import { createContext, type ReactNode, useContext, useEffect, useMemo, useState } from 'react';
import type { Actor } from '../auth/api';
import type { Tenant } from './api';
import { useTenants } from './hooks';

interface CurrentTenant {
  /** The tenant the pages work in: the operator's own, or the one an admin picked. */
  tenantId: string | null;
  tenants: Tenant[];
  setTenantId: (id: string) => void;
  tenantName: (id: string | null | undefined) => string;
}

const Context = createContext<CurrentTenant>({ tenantId: null, tenants: [], setTenantId: () => undefined, tenantName: (id) => id ?? '—' });
const STORAGE_KEY = 'cm.tenant';

export function CurrentTenantProvider({ actor, children }: { actor: Actor; children: ReactNode }) {
  const tenants = useTenants();
  const [picked, setPicked] = useState<string | null>(() => (actor.role === 'admin' ? localStorage.getItem(STORAGE_KEY) : null));
  const list = useMemo(() => tenants.data ?? [], [tenants.data]);
  const tenantId = actor.tenantId ?? (list.some((t) => t.id === picked) ? picked : (list[0]?.id ?? null));
  useEffect(() => {
    if (tenantId && actor.role === 'admin') localStorage.setItem(STORAGE_KEY, tenantId);
  }, [tenantId, actor.role]);
  const value = useMemo<CurrentTenant>(
    () => ({
      tenantId,
      tenants: list,
      setTenantId: setPicked,
      tenantName: (id) => list.find((t) => t.id === id)?.name ?? id ?? '—',
    }),
    [tenantId, list],
  );
  return <Context.Provider value={value}>{children}</Context.Provider>;
}

export const useCurrentTenant = () => useContext(Context);

/** The tenant picker in the header (admins only: the others work in their own tenant). */
export function TenantPicker() {
  const { tenantId, tenants, setTenantId } = useCurrentTenant();
  if (tenants.length === 0) return null;
  return (
    <Select
      aria-label="Tenant"
      size="xs"
      w={200}
      data={tenants.map((t) => ({ value: t.id, label: t.name }))}
      value={tenantId}
      onChange={(v) => v && setTenantId(v)}
      allowDeselect={false}
      comboboxProps={{ withinPortal: true }}
    />
  );
}
