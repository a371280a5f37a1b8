package dev.caravan.clean;

import java.util.Map;

import org.bson.Document;

/**
 * A football-data.org style match into a flat document: id, kick-off as a date, teams, competition, season year and
 * the full-time score as numbers (null until played), with the winner.
 */
public final class MatchCleaner {

    public Document clean(Map<String, Object> raw) {
        Document out = new Document("match_id", Values.integer(raw.get("id"), "id"));
        out.put("utc_date", Values.date(raw.get("utcDate"), "utcDate"));
        out.put("status", raw.get("status"));
        out.put("matchday", raw.get("matchday") == null ? null : Values.integer(raw.get("matchday"), "matchday"));
        out.put("stage", raw.get("stage"));
        Map<String, Object> competition = map(raw, "competition");
        out.put("competition_code", competition.get("code"));
        out.put("competition_name", competition.get("name"));
        Map<String, Object> season = map(raw, "season");
        Object start = season.get("startDate");
        out.put("season", start == null ? null : Values.integer(start.toString().substring(0, 4), "season.startDate"));
        Map<String, Object> home = map(raw, "homeTeam");
        Map<String, Object> away = map(raw, "awayTeam");
        out.put("home_team", home.get("name"));
        out.put("home_team_id", home.get("id") == null ? null : Values.integer(home.get("id"), "homeTeam.id"));
        out.put("away_team", away.get("name"));
        out.put("away_team_id", away.get("id") == null ? null : Values.integer(away.get("id"), "awayTeam.id"));
        Map<String, Object> score = map(raw, "score");
        Map<String, Object> fullTime = map(score, "fullTime");
        out.put("score_home", fullTime.get("home") == null ? null : Values.integer(fullTime.get("home"), "score.fullTime.home"));
        out.put("score_away", fullTime.get("away") == null ? null : Values.integer(fullTime.get("away"), "score.fullTime.away"));
        out.put("winner", score.get("winner"));
        out.put("last_updated", raw.get("lastUpdated") == null ? null : Values.date(raw.get("lastUpdated"), "lastUpdated"));
        return out;
    }

    private static Map<String, Object> map(Map<String, Object> parent, String field) {
        return Values.object(parent, field);
    }
}
