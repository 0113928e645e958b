"""The browser editor of `jianbao edit` (SPEC §7): its web app, forms and the round-trip save."""
