package dev.caravan.testing;

/** Property locations of a route advice test: offline-routes.properties over the shipped defaults. */
public final class OfflineRoutes {

    /** For {@code @CamelMainTest(propertyPlaceholderLocations = OfflineRoutes.PROPERTIES)}; the first file that has a key wins. */
    public static final String PROPERTIES =
            "classpath:offline-routes.properties,classpath:application.properties";

    private OfflineRoutes() {
    }
}
