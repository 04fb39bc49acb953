/** A `tel:` address for a phone number as people write it ("0412 555 010" → "tel:0412555010"). */
export const telHref = (phone: string) => `tel:${phone.replace(/[^+0-9]/g, '')}`
