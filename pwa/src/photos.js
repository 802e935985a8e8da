// Photos are shrunk on the phone before upload: village networks are slow and
// the server keeps at most 1600 px anyway.

const LONGEST_SIDE = 1600;
const QUALITY = 0.8;

/** A JPEG Blob whose longest side is at most 1600 px. */
export async function shrinkPhoto(file) {
  const image = await decode(file);
  const scale = Math.min(1, LONGEST_SIDE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const context = canvas.getContext('2d');
  context.fillStyle = '#fff'; // transparent PNGs become white, not black
  context.fillRect(0, 0, width, height);
  context.drawImage(image, 0, 0, width, height);
  if (image.close) image.close();
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('toBlob failed'))), 'image/jpeg', QUALITY);
  });
}

async function decode(file) {
  if (typeof createImageBitmap === 'function') {
    try {
      return await createImageBitmap(file, { imageOrientation: 'from-image' });
    } catch {
      // Older WebViews reject the options bag; fall through to <img>.
    }
  }
  const url = URL.createObjectURL(file);
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    return image;
  } finally {
    URL.revokeObjectURL(url);
  }
}
