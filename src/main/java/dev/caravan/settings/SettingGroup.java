package dev.caravan.settings;

import java.util.List;

/** A block of application.properties: its "## " header and the settings it shows, as the catalogue groups them. */
public record SettingGroup(String header, List<Setting<?>> settings) {
}
