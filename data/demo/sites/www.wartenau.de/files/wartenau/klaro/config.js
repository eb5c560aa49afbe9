var klaroConfig = {
  storageMethod: "cookie",
  cookieName: "klaro",
  lang: "de",
  services: [
    { name: "meta-pixel", title: "Meta-Pixel", purposes: ["marketing"] }
  ]
};
