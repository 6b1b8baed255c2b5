/** The body size of the download, upload and event cases. */
export const SIZE = 256 * 2 ** 20;
/** How many sequential small GETs one job makes. */
export const SMALL_REQUESTS = 2000;
