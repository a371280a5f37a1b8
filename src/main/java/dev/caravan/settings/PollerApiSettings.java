package dev.caravan.settings;

import java.util.List;

/** The shipped pollers' APIs: NYT Books, randomuser.me, football-data.org. */
public final class PollerApiSettings {

    public static final Setting<String> NYT_BASE_URL = Setting.text("caravan.nyt.base-url", "https://api.nytimes.com",
            "Base URL of the NYT APIs");

    public static final Setting<String> NYT_API_KEY = Setting.text("caravan.nyt.api-key", "",
            "NYT API key, from the environment only")
            .env("NYT_API_KEY")
            .shown("empty = the poller is disabled");

    public static final Setting<String> NYT_SCHEDULE = Setting.text("caravan.nyt.schedule", "0 0 12 ? * THU",
            "When to fetch the week's lists (Quartz cron, UTC; lists appear on Wednesday evenings ET)");

    public static final Setting<Integer> NYT_BACKFILL_WEEKS = Setting.integer("caravan.nyt.backfill-weeks", 0,
            "Weeks to walk back from the newest list (each dated list is fetched once)");

    public static final Setting<String> NYT_RATE = Setting.text("caravan.nyt.rate", "5/1m",
            "NYT's rate limit");

    public static final Setting<Integer> NYT_DAILY_BUDGET = Setting.integer("caravan.nyt.daily-budget", 500,
            "NYT's daily request limit");

    public static final Setting<Boolean> NYT_ENABLED = Setting.flag("caravan.nyt.enabled", true,
            "Turn the NYT poller on or off (it also needs the key)");

    public static final Setting<String> RANDOMUSER_BASE_URL =
            Setting.text("caravan.randomuser.base-url", "https://randomuser.me",
            "Base URL of randomuser.me");

    public static final Setting<Integer> RANDOMUSER_RESULTS = Setting.integer("caravan.randomuser.results", 10,
            "Users per request");

    public static final Setting<String> RANDOMUSER_SEED = Setting.text("caravan.randomuser.seed", "",
            "Seed for repeatable users across pages and runs")
            .shown("empty = new users every time");

    public static final Setting<Integer> RANDOMUSER_PAGES = Setting.integer("caravan.randomuser.pages", 1,
            "Pages per run");

    public static final Setting<String> RANDOMUSER_SCHEDULE = Setting.text("caravan.randomuser.schedule", "60s",
            "How often to poll");

    public static final Setting<String> RANDOMUSER_RATE = Setting.text("caravan.randomuser.rate", "30/1m",
            "Request rate limit");

    public static final Setting<String> RANDOMUSER_RETRY = Setting.text("caravan.randomuser.retry", "3 x 2s..20s",
            "Attempts of one request and their backoff, ATTEMPTS x FIRST..CAP or none");

    public static final Setting<List<String>> RANDOMUSER_DROP_FIELDS =
            Setting.list("caravan.randomuser.drop-fields",
                    "login.password,login.salt,login.md5,login.sha1,login.sha256",
            "Credential fields removed from every user before Kafka, comma-separated");

    public static final Setting<Boolean> RANDOMUSER_ENABLED = Setting.flag("caravan.randomuser.enabled", true,
            "Turn the randomuser poller on or off");

    public static final Setting<String> FOOTBALL_BASE_URL =
            Setting.text("caravan.football.base-url", "https://api.football-data.org",
            "Base URL of football-data.org");

    public static final Setting<String> FOOTBALL_API_TOKEN = Setting.text("caravan.football.api-token", "",
            "football-data.org token (X-Auth-Token), from the environment only")
            .env("FOOTBALL_API_TOKEN")
            .shown("empty = the poller is disabled");

    public static final Setting<String> FOOTBALL_COMPETITIONS = Setting.text("caravan.football.competitions", "PL",
            "Competition codes polled, comma-separated");

    public static final Setting<String> FOOTBALL_QUERY = Setting.text("caravan.football.query", "",
            "Extra query parameters of the matches request, e.g. season=2024 or status=FINISHED");

    public static final Setting<String> FOOTBALL_SCHEDULE = Setting.text("caravan.football.schedule", "10m",
            "How often to poll");

    public static final Setting<String> FOOTBALL_RATE = Setting.text("caravan.football.rate", "10/1m",
            "Request rate limit (the free tier allows 10 a minute)");

    public static final Setting<Integer> FOOTBALL_DAILY_BUDGET = Setting.integer("caravan.football.daily-budget", 0,
            "Most requests per UTC day, 0 = no limit");

    public static final Setting<Boolean> FOOTBALL_ENABLED = Setting.flag("caravan.football.enabled", true,
            "Turn the football poller on or off (it also needs the token)");

    private PollerApiSettings() {
    }
}
