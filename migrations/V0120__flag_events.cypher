// Flag events (store/flags.py): review as of a time reads the events after that time, so
// a range index on FlagEvent.at answers "what changed since T" by reading just those.
CREATE INDEX flag_event_at IF NOT EXISTS FOR (e:FlagEvent) ON (e.at);
