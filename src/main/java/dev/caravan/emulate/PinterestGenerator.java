package dev.caravan.emulate;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.UUID;

import dev.caravan.support.OrderedMap;

/**
 * Pinterest posts as the seed projects' posting emulators send them: a pin, a geo and a user record sharing an ind,
 * reproducible from a seed, with the dirt the real data has and the cleaning step must fix (follower counts like "12k",
 * placeholder texts, "Local save in /data/..." paths, numbers sent as strings, empty values).
 */
public final class PinterestGenerator {

    static final List<String> CATEGORIES = List.of("art", "beauty", "christmas", "diy-and-crafts", "education",
            "event-planning", "finance", "home-decor", "mens-fashion", "quotes", "tattoos", "travel", "vehicles");
    static final List<String> COUNTRIES = List.of("Albania", "Angola", "Argentina", "Australia", "Brazil", "Canada",
            "Chad", "France", "Germany", "India", "Japan", "Kenya", "Maldives", "Peru", "Poland", "Spain",
            "United Kingdom", "United States of America", "Vietnam", "Zambia");
    private static final List<String> FIRST = List.of("Alexandra", "Andrew", "Christopher", "Dana", "Elizabeth",
            "Isaac", "Jessica", "Kelly", "Michael", "Nicole", "Rachel", "Thomas", "Valerie", "Wendy");
    private static final List<String> LAST = List.of("Alvarez", "Brown", "Davis", "Garcia", "Johnson", "Lee",
            "Martin", "Nguyen", "Patel", "Smith", "Taylor", "Walker", "Young");
    private static final List<String> WORDS = List.of("easy", "summer", "cozy", "minimalist", "vintage", "budget",
            "ideas", "tips", "for", "kids", "home", "outfit", "quotes", "tattoo", "road", "trip", "crafts", "gift");
    private static final DateTimeFormatter TS = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** One post: its three records. */
    public record Post(int ind, Map<String, Object> pin, Map<String, Object> geo, Map<String, Object> user) {
    }

    private final SplittableRandom random;
    private int next;

    public PinterestGenerator(long seed) {
        this.random = new SplittableRandom(seed);
        this.next = 1 + random.nextInt(10_000);
    }

    public Post next() {
        int ind = next;
        next += 1 + random.nextInt(7);
        String category = pick(CATEGORIES);
        Map<String, Object> pin = new LinkedHashMap<>();
        // a number sent as a string now and then, as scraped tables do
        pin.put("index", chance(0.1) ? String.valueOf(ind) : ind);
        pin.put("unique_id", new UUID(random.nextLong(), random.nextLong()).toString());
        pin.put("title", chance(0.08) ? "No Title Data Available" : title());
        pin.put("description", chance(0.08) ? "No description available Story format" : chance(0.03) ? "" : title() + ".");
        boolean brokenUser = chance(0.05);
        pin.put("poster_name", brokenUser ? "User Info Error" : pick(FIRST) + " " + pick(LAST));
        pin.put("follower_count", brokenUser ? "User Info Error" : followers());
        pin.put("tag_list", chance(0.07) ? "N,o, ,T,a,g,s, ,A,v,a,i,l,a,b,l,e"
                : String.join(",", pick(WORDS), pick(WORDS), pick(WORDS)));
        pin.put("is_image_or_video", chance(0.15) ? "multi-video(story page format)" : "image");
        pin.put("image_src", chance(0.05) ? "Image src error."
                : "https://i.pinimg.com/originals/" + hex(2) + "/" + hex(2) + "/" + hex(2) + "/" + hex(16) + ".jpg");
        pin.put("downloaded", chance(0.1) ? String.valueOf(random.nextInt(2)) : random.nextInt(2));
        pin.put("save_location", "Local save in /data/" + category);
        pin.put("category", category);

        LocalDateTime posted = LocalDateTime.of(2018 + random.nextInt(5), 1 + random.nextInt(12), 1 + random.nextInt(28),
                random.nextInt(24), random.nextInt(60), random.nextInt(60));
        Map<String, Object> geo = OrderedMap.of("ind", ind, "timestamp", TS.format(posted),
                "latitude", Math.round((random.nextDouble() * 180 - 90) * 10_000) / 10_000.0,
                "longitude", Math.round((random.nextDouble() * 360 - 180) * 10_000) / 10_000.0,
                "country", pick(COUNTRIES));

        LocalDateTime joined = LocalDateTime.of(2015 + random.nextInt(6), 1 + random.nextInt(12), 1 + random.nextInt(28),
                random.nextInt(24), random.nextInt(60), random.nextInt(60));
        int age = 18 + random.nextInt(50);
        Map<String, Object> user = OrderedMap.of("ind", ind, "first_name", pick(FIRST), "last_name", pick(LAST),
                "age", chance(0.1) ? String.valueOf(age) : age, "date_joined", TS.format(joined));
        return new Post(ind, pin, geo, user);
    }

    private String followers() {
        int roll = random.nextInt(10);
        if (roll < 4) {
            return String.valueOf(random.nextInt(1000));
        }
        if (roll < 8) {
            return (1 + random.nextInt(999)) + "k";
        }
        return roll == 8 ? (1 + random.nextInt(9)) + "M" : (1 + random.nextInt(9)) + "." + random.nextInt(10) + "M";
    }

    private String title() {
        String t = pick(WORDS) + " " + pick(WORDS) + " " + pick(WORDS) + " " + pick(WORDS);
        return Character.toUpperCase(t.charAt(0)) + t.substring(1);
    }

    private String hex(int n) {
        StringBuilder b = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            b.append(Character.forDigit(random.nextInt(16), 16));
        }
        return b.toString();
    }

    private boolean chance(double p) {
        return random.nextDouble() < p;
    }

    private <T> T pick(List<T> from) {
        return from.get(random.nextInt(from.size()));
    }
}
