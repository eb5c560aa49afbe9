var klaroConfig = {
    elementID: 'klaro',
    storageMethod: 'cookie',
    cookieName: 'klaro',
    default: false,
    mustConsent: false,
    lang: 'de',
    services: [
        {
            name: 'youtube',
            title: 'YouTube',
            purposes: ['marketing'],
            contextualConsentOnly: true
        }
    ]
};
