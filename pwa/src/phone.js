// Phone numbers as people type them: full-width digits from a Chinese IME,
// spaces, dashes, a +86 prefix from the contacts app.

/** '１３８' → '138' */
export function normalizeDigits(text) {
  return String(text).replace(/[\uFF10-\uFF19]/g, (char) => String.fromCharCode(char.charCodeAt(0) - 0xfee0));
}

/** '+86 138-0000-0001' → '13800000001'; anything else keeps only its digits. */
export function normalizePhone(text) {
  const digits = normalizeDigits(text).replace(/\D/g, '');
  if (digits.length === 15 && digits.startsWith('0086')) return digits.slice(4);
  if (digits.length === 13 && digits.startsWith('86')) return digits.slice(2);
  return digits;
}

/** '13800000001' → '138 0000 0001', easier to read back (no-break spaces keep it on one line). */
export function formatPhone(phone) {
  return /^\d{11}$/.test(phone) ? [phone.slice(0, 3), phone.slice(3, 7), phone.slice(7)].join('\u00a0') : phone;
}
