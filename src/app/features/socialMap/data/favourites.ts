/** The resident's favourites on this device: ids only, oldest first; the listings come from the map. */
import type { SocialMapDb } from './repository'

export class FavouriteStore {
  constructor(private readonly db: SocialMapDb) {}

  async ids(): Promise<string[]> {
    return (await this.db.favourites.orderBy('addedAt').toArray()).map((f) => f.id)
  }

  /** Adds or removes one; answers whether it is a favourite now. */
  async toggle(id: string): Promise<boolean> {
    return this.db.transaction('rw', this.db.favourites, async () => {
      if (await this.db.favourites.get(id)) {
        await this.db.favourites.delete(id)
        return false
      }
      await this.db.favourites.put({ id, addedAt: new Date().toISOString() })
      return true
    })
  }
}
