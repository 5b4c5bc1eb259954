/** Product-image augmentation: cut-out with a clean matte, settings with shadows, small viewpoint changes, colourways. */
export { augmentPhoto, augmentPrepared, coverResize, prepareProduct, toListingImage, type AugmentedImage, type AugmentOptions, type ListingImage, type ManifestEntry, type PreparedProduct } from './augment.js';
export { drawBackdrop, SETTING_STYLES, SETTINGS, type SettingName, type SettingStyle } from './backdrops.js';
export { NAMED_COLOURS, parseColour, recolour, type Colourway } from './colourway.js';
export { cutOutProduct, type ProductCutout } from './matte.js';
export { placeProduct, VIEWS, type Placement, type ViewName } from './place.js';
export { lumaSsim, shadingSsim, whiteFringe } from './quality.js';
export { makeListingImages, type ListingManifest } from './listing.js';
export { AugmentService, type AugmentRunner } from './service.js';
