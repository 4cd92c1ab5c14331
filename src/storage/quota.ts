// Storage quota, usage and persistence (navigator.storage).

export interface StorageReport {
  usageBytes: number | null;
  quotaBytes: number | null;
  persisted: boolean | null;
}

export async function storageReport(): Promise<StorageReport> {
  const storage = globalThis.navigator?.storage;
  if (!storage) return { usageBytes: null, quotaBytes: null, persisted: null };
  const [estimate, persisted] = await Promise.all([storage.estimate().catch(() => null), storage.persisted?.().catch(() => null) ?? null]);
  return { usageBytes: estimate?.usage ?? null, quotaBytes: estimate?.quota ?? null, persisted };
}

/** Asks the browser not to evict the studio's data under storage pressure. */
export async function requestPersistence(): Promise<boolean> {
  const storage = globalThis.navigator?.storage;
  if (!storage?.persist) return false;
  try {
    return await storage.persist();
  } catch {
    return false;
  }
}
