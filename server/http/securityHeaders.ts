import helmet from 'helmet';

/**
 * Security headers (helmet) with a strict Content-Security-Policy: no inline
 * script anywhere. The editor sets a few `style` attributes (caret and
 * selection colours), so only style *attributes* are allowed inline; no
 * inline <style> or <script> elements.
 */
export function appSecurityHeaders() {
  return helmet({
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        styleSrcAttr: ["'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        connectSrc: ["'self'"],
        workerSrc: ["'self'"],
        manifestSrc: ["'self'"],
        objectSrc: ["'none'"],
        baseUri: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    // The app embeds nothing cross-origin; the default would only get in the way of future images.
    crossOriginEmbedderPolicy: false,
    referrerPolicy: { policy: 'same-origin' },
  });
}

/** Public story pages: no script at all, our stylesheet, images from anywhere over https. */
export function publicPageSecurityHeaders() {
  return helmet.contentSecurityPolicy({
    useDefaults: false,
    directives: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", 'data:', 'https:'],
      baseUri: ["'none'"],
      // The masthead's search form (a GET to /search) is the pages' only form.
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
    },
  });
}
