/** The five municipalities of Samen in Gezondheid and their villages (kernen). */
export const MUNICIPALITIES = ['Oss', 'Maashorst', 'Meierijstad', 'Bernheze', 'Boekel'] as const
export type Municipality = (typeof MUNICIPALITIES)[number]

export const VILLAGES: Record<Municipality, readonly string[]> = {
  Oss: ['Oss', 'Berghem', 'Megen', 'Haren', 'Macharen', 'Ravenstein', 'Herpen', 'Geffen', 'Nuland', 'Vinkel', 'Lith', 'Oijen', 'Maren', 'Alem', 'Dieden', 'Deursen', 'Demen', 'Keent', 'Overlangel', 'Neerloon', 'Huisseling', 'Lithoijen', 'Teeffelen', 'Kessel'],
  Maashorst: ['Uden', 'Volkel', 'Odiliapeel', 'Zeeland', 'Reek', 'Schaijk'],
  Meierijstad: ['Veghel', 'Schijndel', 'Sint-Oedenrode', 'Erp', 'Boerdonk', 'Keldonk', 'Mariaheide', 'Zijtaart', 'Eerde', 'Wijbosch', 'Nijnsel', 'Olland', 'Boskant'],
  Bernheze: ['Heesch', 'Nistelrode', 'Heeswijk-Dinther', 'Vorstenbosch', 'Loosbroek'],
  Boekel: ['Boekel', 'Venhorst', 'Huize Padua'],
}

const villageToMunicipality = new Map<string, Municipality>()
for (const m of MUNICIPALITIES) for (const v of VILLAGES[m]) villageToMunicipality.set(v.toLowerCase(), m)

export function isMunicipality(value: string): value is Municipality {
  return (MUNICIPALITIES as readonly string[]).includes(value)
}

/** Finds the municipality of a village name; a municipality name maps to itself. */
export function municipalityOf(place: string | undefined): Municipality | undefined {
  if (!place) return undefined
  const key = place.trim().toLowerCase()
  const direct = MUNICIPALITIES.find((m) => m.toLowerCase() === key)
  return direct ?? villageToMunicipality.get(key)
}
