/**
 * Passwords people pick most, in Dutch and English. A password is refused when it is one of
 * these, or one of these words padded with digits and symbols ("Wachtwoord2024!").
 */
export const COMMON_WORDS = [
  'password', 'wachtwoord', 'welkom', 'welcome', 'qwerty', 'azerty', 'qwertyuiop', 'asdfghjkl', 'zxcvbnm', 'admin',
  'administrator', 'letmein', 'iloveyou', 'ikhouvanjou', 'monkey', 'dragon', 'football', 'voetbal', 'baseball', 'sunshine',
  'princess', 'master', 'shadow', 'superman', 'batman', 'trustno', 'michael', 'jennifer', 'summer', 'zomer', 'winter',
  'lente', 'herfst', 'voorjaar', 'najaar', 'ajax', 'feyenoord', 'psv', 'nederland', 'holland', 'amsterdam', 'rotterdam',
  'brabant', 'oss', 'uden', 'veghel', 'geheim', 'secret', 'changeme', 'veranderen', 'test', 'testtest', 'gebruiker', 'user',
  'login', 'inloggen', 'computer', 'internet', 'samsung', 'iphone', 'google', 'abc', 'abcdef', 'abcdefgh', 'huisarts',
  'dokter', 'zorg', 'welzijn', 'samenwerkwijze', 'gezondheid', 'maandag', 'dinsdag', 'woensdag', 'donderdag', 'vrijdag',
  'zaterdag', 'zondag', 'januari', 'februari', 'december', 'hallo', 'hello', 'doei', 'liefde', 'love', 'schatje', 'lieverd',
  'konijn', 'poes', 'hond', 'kat', 'starwars', 'pokemon', 'minecraft', 'fortnite', 'mustang', 'harley', 'ranger',
] as const

export const COMMON_PASSWORDS = [
  '123456789012', '1234567890123', '12345678901234', '111111111111', '000000000000', '123123123123', '121212121212',
  'qwertyuiop12', 'qwerty123456', '1q2w3e4r5t6y', '1qaz2wsx3edc', 'zaq12wsxcde3', 'passwordpassword', 'password1234',
  'password12345', 'wachtwoord123', 'wachtwoord1234', 'welkom123456', 'welkomwelkom', 'iloveyou1234', 'abcdefghijkl',
  'abc123abc123', 'aaaaaaaaaaaa', 'letmein12345', 'administrator', 'administrator1', 'changeme1234', 'football1234',
] as const
