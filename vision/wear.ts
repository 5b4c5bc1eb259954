/** What a pixel of the shopper's photo shows, as `readWardrobe` reads it. */
export const WEAR = { background: 0, skin: 1, hair: 2, top: 3, lower: 4, other: 5 } as const;
