"""Enterprise accounting commands: ``calc enterprise``, ``template enterprise``, ``sectors``,
``sources``, ``factors``. (Filled in by the enterprise-accounting CLI work.)"""
