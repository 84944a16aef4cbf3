/** Which response style a URL gets (api-contract.md, "Families of routes"). */
export type Family = 'envelope' | 'bare';

export function familyOf(url: string): Family {
  return url === '/v1' || url.startsWith('/v1/') || url.startsWith('/v1?') ? 'bare' : 'envelope';
}

export function envelope(data: unknown, message?: string) {
  return message === undefined
    ? { success: true as const, data, timestamp: new Date().toISOString() }
    : { success: true as const, data, message, timestamp: new Date().toISOString() };
}
