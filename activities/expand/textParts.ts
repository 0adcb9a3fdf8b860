/** Small pieces the offline templates build sentences from. */
export const listEn = (xs: string[]) => (xs.length <= 1 ? xs.join('') : `${xs.slice(0, -1).join(', ')} and ${xs[xs.length - 1]}`);
export const listZh = (xs: string[]) => xs.join('、');
export const cap = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);
