/** Which files are images to translate, and which are translations: one list for the trainer and the editor. */
export const IMAGE_EXTENSIONS = ['.png', '.jpg', '.jpeg', '.webp', '.gif', '.bmp', '.tif', '.tiff'];

/** Our own outputs (`<name>.dtn.png`, `.dtn.x4.png`, `.dtn.input.png`): skipped when a folder is scanned. */
export const TRANSLATION_OUTPUT = /\.dtn(\.x\d+|\.input)?\.png$/i;

export function isImageName(name: string): boolean {
  const dot = name.lastIndexOf('.');
  return dot > 0 && IMAGE_EXTENSIONS.includes(name.slice(dot).toLowerCase());
}
