"""SQL compiled from fbcli.store.sql by `python -m fbcli.store.sql.build`.

Do not edit: change schema.py or statements.py and build again. Each
statement is its text and the values of the parameters SQLAlchemy made
for the constants in it.
"""

from typing import Any

Compiled = list[tuple[str, dict[str, Any]]]

SCHEMA_VERSION = 4
RECORD_TABLES = ('tutors', 'students', 'sessions', 'feedback', 'plan_changes')

STEPS: dict[str, list[Compiled]] = {
    'sqlite': [
        [
            ('CREATE TABLE fbcli_meta (\n\t"key" VARCHAR(40) NOT NULL, \n\tvalue TEXT NOT NULL, \n\tPRIMARY KEY ("key")\n)', {}),
            ('CREATE TABLE tutors (\n\tseq INTEGER NOT NULL, \n\tid VARCHAR(200) NOT NULL, \n\tname TEXT NOT NULL, \n\temail TEXT NOT NULL, \n\trole VARCHAR(10) NOT NULL, \n\tPRIMARY KEY (seq), \n\tUNIQUE (id)\n)', {}),
            ('CREATE TABLE students (\n\tseq INTEGER NOT NULL, \n\tid VARCHAR(200) NOT NULL, \n\tname TEXT NOT NULL, \n\tlevels TEXT NOT NULL, \n\tPRIMARY KEY (seq), \n\tUNIQUE (id)\n)', {}),
            ('CREATE TABLE sessions (\n\tseq INTEGER NOT NULL, \n\tid VARCHAR(200) NOT NULL, \n\ttutor VARCHAR(200) NOT NULL, \n\tstudent VARCHAR(200) NOT NULL, \n\tstart BIGINT NOT NULL, \n\tminutes INTEGER NOT NULL, \n\tPRIMARY KEY (seq), \n\tUNIQUE (id)\n)', {}),
            ('CREATE INDEX sessions_by_student ON sessions (student, start, id)', {}),
            ('CREATE INDEX sessions_by_tutor ON sessions (tutor, start, id)', {}),
            ('CREATE TABLE feedback (\n\tseq INTEGER NOT NULL, \n\tsession VARCHAR(200) NOT NULL, \n\tversion INTEGER NOT NULL, \n\ttutor VARCHAR(200) NOT NULL, \n\tgiven_at BIGINT NOT NULL, \n\tcompleted BOOLEAN NOT NULL, \n\treason VARCHAR(40), \n\tstudent_missed BOOLEAN, \n\ttech_issues BOOLEAN NOT NULL, \n\tnote TEXT NOT NULL, \n\tplatform TEXT, \n\tevaluation TEXT NOT NULL, \n\tgreat_work BOOLEAN NOT NULL, \n\tgoal VARCHAR(200), \n\tdoing_great VARCHAR(200), \n\tfocus TEXT NOT NULL, \n\tlanguage_seen TEXT NOT NULL, \n\tfollow_up TEXT NOT NULL, \n\tcomments TEXT NOT NULL, \n\tsaved_at BIGINT, \n\tPRIMARY KEY (seq), \n\tCONSTRAINT feedback_version_once UNIQUE (session, version)\n)', {}),
            ('CREATE TABLE plan_changes (\n\tseq INTEGER NOT NULL, \n\tstudent VARCHAR(200) NOT NULL, \n\tgoal VARCHAR(200) NOT NULL, \n\taction VARCHAR(10) NOT NULL, \n\tat BIGINT NOT NULL, \n\t"by" VARCHAR(200) NOT NULL, \n\tPRIMARY KEY (seq)\n)', {}),
            ('CREATE INDEX plan_changes_by_student ON plan_changes (student, at)', {}),
        ],
        [
            ('ALTER TABLE sessions ADD COLUMN fb_version INTEGER', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_count INTEGER', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_first_given BIGINT', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_delay BIGINT', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_completed BOOLEAN', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_reason VARCHAR(40)', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_tech_issues BOOLEAN', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_platform TEXT', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_great_work BOOLEAN', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_doing_great VARCHAR(200)', {}),
            ('ALTER TABLE sessions ADD COLUMN award_run INTEGER', {}),
            ('ALTER TABLE sessions ADD COLUMN awards_before INTEGER', {}),
            ('CREATE INDEX sessions_outcomes ON sessions (tutor, start, minutes, fb_version, fb_first_given, fb_completed, fb_reason, fb_tech_issues, fb_great_work, fb_platform)', {}),
            ('CREATE INDEX sessions_delays ON sessions (tutor, fb_delay, start, minutes)', {}),
            ('CREATE INDEX sessions_awards ON sessions (student, fb_completed, start, id, award_run, awards_before, fb_doing_great, tutor)', {}),
            ('UPDATE sessions SET fb_version=latest.version, fb_count=given.versions, fb_first_given=given.given_at, fb_delay=(given.given_at - (sessions.start + sessions.minutes * :minutes_1)), fb_completed=latest.completed, fb_reason=latest.reason, fb_tech_issues=latest.tech_issues, fb_platform=latest.platform, fb_great_work=latest.great_work, fb_doing_great=latest.doing_great FROM (SELECT feedback.session AS session, feedback.version AS version, feedback.completed AS completed, feedback.reason AS reason, feedback.tech_issues AS tech_issues, feedback.platform AS platform, feedback.great_work AS great_work, nullif(feedback.doing_great, :nullif_1) AS doing_great \nFROM feedback \nWHERE feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.session = feedback.session)) AS latest, (SELECT first.session AS session, first.given_at AS given_at, firsts.versions AS versions \nFROM feedback AS first JOIN (SELECT feedback.session AS session, min(feedback.version) AS version, count(*) AS versions \nFROM feedback GROUP BY feedback.session) AS firsts ON firsts.session = first.session AND first.version = firsts.version) AS given WHERE sessions.id = latest.session AND sessions.id = given.session', {'minutes_1': 60, 'nullif_1': ''}),
            ('UPDATE sessions SET award_run=NULL, awards_before=NULL WHERE sessions.award_run IS NOT NULL AND sessions.fb_completed IS NOT 1', {}),
            ('UPDATE sessions SET award_run=runs.run, awards_before=runs."before" FROM (SELECT placed.id AS id, placed.run AS run, placed."before" AS "before" \nFROM (SELECT counted.id AS id, counted.award_run AS award_run, counted.awards_before AS awards_before, counted."before" AS "before", row_number() OVER (PARTITION BY counted.student, counted."before" ORDER BY counted.start, counted.id) AS run \nFROM (SELECT sessions.id AS id, sessions.student AS student, sessions.start AS start, sessions.award_run AS award_run, sessions.awards_before AS awards_before, coalesce(sum(CASE WHEN (sessions.fb_doing_great IS NOT NULL) THEN :param_1 ELSE :param_2 END) OVER (PARTITION BY sessions.student ORDER BY sessions.start, sessions.id ROWS BETWEEN UNBOUNDED PRECEDING AND :param_3 PRECEDING), :coalesce_1) AS "before" \nFROM sessions \nWHERE sessions.fb_completed IS 1) AS counted) AS placed \nWHERE placed.award_run IS NOT placed.run OR placed.awards_before IS NOT placed."before") AS runs WHERE sessions.id = runs.id', {'param_1': 1, 'param_2': 0, 'param_3': 1, 'coalesce_1': 0}),
        ],
        [
            ('CREATE INDEX sessions_platforms ON sessions (tutor, fb_platform, start, minutes, fb_tech_issues, fb_version)', {}),
            ('CREATE INDEX sessions_not_completed ON sessions (tutor, fb_reason, start, minutes) WHERE fb_completed IS 0', {}),
            ('CREATE INDEX sessions_awarded ON sessions (tutor, award_run, start, fb_completed) WHERE fb_doing_great IS NOT NULL', {}),
            ('ANALYZE tutors', {}),
            ('ANALYZE students', {}),
            ('ANALYZE sessions', {}),
            ('ANALYZE feedback', {}),
            ('ANALYZE plan_changes', {}),
        ],
        [
            ('ALTER TABLE feedback RENAME TO feedback_before_step_4', {}),
            ('CREATE TABLE feedback (\n\tseq INTEGER NOT NULL, \n\tstudent VARCHAR(200) NOT NULL, \n\tsession VARCHAR(200) NOT NULL, \n\tversion INTEGER NOT NULL, \n\ttutor VARCHAR(200) NOT NULL, \n\tgiven_at BIGINT NOT NULL, \n\tcompleted BOOLEAN NOT NULL, \n\treason VARCHAR(40), \n\tstudent_missed BOOLEAN, \n\ttech_issues BOOLEAN NOT NULL, \n\tnote TEXT NOT NULL, \n\tplatform TEXT, \n\tevaluation TEXT NOT NULL, \n\tgreat_work BOOLEAN NOT NULL, \n\tgoal VARCHAR(200), \n\tdoing_great VARCHAR(200), \n\tfocus TEXT NOT NULL, \n\tlanguage_seen TEXT NOT NULL, \n\tfollow_up TEXT NOT NULL, \n\tcomments TEXT NOT NULL, \n\tsaved_at BIGINT, \n\tCONSTRAINT feedback_by_student PRIMARY KEY (student, session, version), \n\tCONSTRAINT feedback_version_once UNIQUE (session, version), \n\tUNIQUE (seq)\n)\n WITHOUT ROWID', {}),
            ('INSERT INTO feedback (seq, student, session, tutor, given_at, completed, version, reason, student_missed, tech_issues, note, platform, evaluation, great_work, goal, doing_great, focus, language_seen, follow_up, comments, saved_at) SELECT feedback_before_step_4.seq, coalesce(sessions.student, :coalesce_1) AS student, feedback_before_step_4.session, feedback_before_step_4.tutor, feedback_before_step_4.given_at, feedback_before_step_4.completed, feedback_before_step_4.version, feedback_before_step_4.reason, feedback_before_step_4.student_missed, feedback_before_step_4.tech_issues, feedback_before_step_4.note, feedback_before_step_4.platform, feedback_before_step_4.evaluation, feedback_before_step_4.great_work, feedback_before_step_4.goal, feedback_before_step_4.doing_great, feedback_before_step_4.focus, feedback_before_step_4.language_seen, feedback_before_step_4.follow_up, feedback_before_step_4.comments, feedback_before_step_4.saved_at \nFROM feedback_before_step_4 LEFT OUTER JOIN sessions ON sessions.id = feedback_before_step_4.session ORDER BY student, feedback_before_step_4.session, feedback_before_step_4.version', {'coalesce_1': ''}),
            ('DROP TABLE feedback_before_step_4', {}),
            ('DROP INDEX sessions_by_student', {}),
            ('CREATE INDEX sessions_of_student ON sessions (student, start, id, tutor, minutes, fb_version)', {}),
            ('CREATE INDEX sessions_badges ON sessions (tutor, start, id, fb_great_work, fb_completed) WHERE fb_completed IS 1', {}),
            ('ANALYZE sessions', {}),
            ('ANALYZE feedback', {}),
        ],
    ],
    'postgresql': [
        [
            ('CREATE TABLE fbcli_meta (\n\tkey VARCHAR(40) NOT NULL, \n\tvalue TEXT NOT NULL, \n\tPRIMARY KEY (key)\n)', {}),
            ('CREATE TABLE tutors (\n\tseq INTEGER GENERATED BY DEFAULT AS IDENTITY, \n\tid VARCHAR(200) NOT NULL, \n\tname TEXT NOT NULL, \n\temail TEXT NOT NULL, \n\trole VARCHAR(10) NOT NULL, \n\tPRIMARY KEY (seq), \n\tUNIQUE (id)\n)', {}),
            ('CREATE TABLE students (\n\tseq INTEGER GENERATED BY DEFAULT AS IDENTITY, \n\tid VARCHAR(200) NOT NULL, \n\tname TEXT NOT NULL, \n\tlevels TEXT NOT NULL, \n\tPRIMARY KEY (seq), \n\tUNIQUE (id)\n)', {}),
            ('CREATE TABLE sessions (\n\tseq INTEGER GENERATED BY DEFAULT AS IDENTITY, \n\tid VARCHAR(200) NOT NULL, \n\ttutor VARCHAR(200) NOT NULL, \n\tstudent VARCHAR(200) NOT NULL, \n\tstart BIGINT NOT NULL, \n\tminutes INTEGER NOT NULL, \n\tPRIMARY KEY (seq), \n\tUNIQUE (id)\n)', {}),
            ('CREATE INDEX sessions_by_student ON sessions (student, start, id)', {}),
            ('CREATE INDEX sessions_by_tutor ON sessions (tutor, start, id)', {}),
            ('CREATE TABLE feedback (\n\tseq INTEGER GENERATED BY DEFAULT AS IDENTITY, \n\tsession VARCHAR(200) NOT NULL, \n\tversion INTEGER NOT NULL, \n\ttutor VARCHAR(200) NOT NULL, \n\tgiven_at BIGINT NOT NULL, \n\tcompleted BOOLEAN NOT NULL, \n\treason VARCHAR(40), \n\tstudent_missed BOOLEAN, \n\ttech_issues BOOLEAN NOT NULL, \n\tnote TEXT NOT NULL, \n\tplatform TEXT, \n\tevaluation TEXT NOT NULL, \n\tgreat_work BOOLEAN NOT NULL, \n\tgoal VARCHAR(200), \n\tdoing_great VARCHAR(200), \n\tfocus TEXT NOT NULL, \n\tlanguage_seen TEXT NOT NULL, \n\tfollow_up TEXT NOT NULL, \n\tcomments TEXT NOT NULL, \n\tsaved_at BIGINT, \n\tPRIMARY KEY (seq), \n\tCONSTRAINT feedback_version_once UNIQUE (session, version)\n)', {}),
            ('CREATE TABLE plan_changes (\n\tseq INTEGER GENERATED BY DEFAULT AS IDENTITY, \n\tstudent VARCHAR(200) NOT NULL, \n\tgoal VARCHAR(200) NOT NULL, \n\taction VARCHAR(10) NOT NULL, \n\tat BIGINT NOT NULL, \n\tby VARCHAR(200) NOT NULL, \n\tPRIMARY KEY (seq)\n)', {}),
            ('CREATE INDEX plan_changes_by_student ON plan_changes (student, at)', {}),
        ],
        [
            ('ALTER TABLE sessions ADD COLUMN fb_version INTEGER', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_count INTEGER', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_first_given BIGINT', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_delay BIGINT', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_completed BOOLEAN', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_reason VARCHAR(40)', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_tech_issues BOOLEAN', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_platform TEXT', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_great_work BOOLEAN', {}),
            ('ALTER TABLE sessions ADD COLUMN fb_doing_great VARCHAR(200)', {}),
            ('ALTER TABLE sessions ADD COLUMN award_run INTEGER', {}),
            ('ALTER TABLE sessions ADD COLUMN awards_before INTEGER', {}),
            ('CREATE INDEX sessions_outcomes ON sessions (tutor, start, minutes, fb_version, fb_first_given, fb_completed, fb_reason, fb_tech_issues, fb_great_work, fb_platform)', {}),
            ('CREATE INDEX sessions_delays ON sessions (tutor, fb_delay, start, minutes)', {}),
            ('CREATE INDEX sessions_awards ON sessions (student, fb_completed, start, id, award_run, awards_before, fb_doing_great, tutor)', {}),
            ('UPDATE sessions SET fb_version=latest.version, fb_count=given.versions, fb_first_given=given.given_at, fb_delay=(given.given_at - (sessions.start + sessions.minutes * %(minutes_1)s::INTEGER)), fb_completed=latest.completed, fb_reason=latest.reason, fb_tech_issues=latest.tech_issues, fb_platform=latest.platform, fb_great_work=latest.great_work, fb_doing_great=latest.doing_great FROM (SELECT feedback.session AS session, feedback.version AS version, feedback.completed AS completed, feedback.reason AS reason, feedback.tech_issues AS tech_issues, feedback.platform AS platform, feedback.great_work AS great_work, nullif(feedback.doing_great, %(nullif_1)s::VARCHAR) AS doing_great \nFROM feedback \nWHERE feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.session = feedback.session)) AS latest, (SELECT first.session AS session, first.given_at AS given_at, firsts.versions AS versions \nFROM feedback AS first JOIN (SELECT feedback.session AS session, min(feedback.version) AS version, count(*) AS versions \nFROM feedback GROUP BY feedback.session) AS firsts ON firsts.session = first.session AND first.version = firsts.version) AS given WHERE sessions.id = latest.session AND sessions.id = given.session', {'minutes_1': 60, 'nullif_1': ''}),
            ('UPDATE sessions SET award_run=NULL, awards_before=NULL WHERE sessions.award_run IS NOT NULL AND sessions.fb_completed IS NOT true', {}),
            ('UPDATE sessions SET award_run=runs.run, awards_before=runs.before FROM (SELECT placed.id AS id, placed.run AS run, placed.before AS before \nFROM (SELECT counted.id AS id, counted.award_run AS award_run, counted.awards_before AS awards_before, counted.before AS before, row_number() OVER (PARTITION BY counted.student, counted.before ORDER BY counted.start, counted.id) AS run \nFROM (SELECT sessions.id AS id, sessions.student AS student, sessions.start AS start, sessions.award_run AS award_run, sessions.awards_before AS awards_before, coalesce(sum(CASE WHEN (sessions.fb_doing_great IS NOT NULL) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) OVER (PARTITION BY sessions.student ORDER BY sessions.start, sessions.id ROWS BETWEEN UNBOUNDED PRECEDING AND %(param_3)s::INTEGER PRECEDING), %(coalesce_1)s::INTEGER) AS before \nFROM sessions \nWHERE sessions.fb_completed IS true) AS counted) AS placed \nWHERE placed.award_run IS DISTINCT FROM placed.run OR placed.awards_before IS DISTINCT FROM placed.before) AS runs WHERE sessions.id = runs.id', {'param_1': 1, 'param_2': 0, 'param_3': 1, 'coalesce_1': 0}),
        ],
        [
            ('CREATE INDEX sessions_platforms ON sessions (tutor, fb_platform, start, minutes, fb_tech_issues, fb_version)', {}),
            ('CREATE INDEX sessions_not_completed ON sessions (tutor, fb_reason, start, minutes) WHERE fb_completed IS false', {}),
            ('CREATE INDEX sessions_awarded ON sessions (tutor, award_run, start, fb_completed) WHERE fb_doing_great IS NOT NULL', {}),
            ('ANALYZE tutors', {}),
            ('ANALYZE students', {}),
            ('ANALYZE sessions', {}),
            ('ANALYZE feedback', {}),
            ('ANALYZE plan_changes', {}),
        ],
        [
            ('ALTER TABLE feedback RENAME TO feedback_before_step_4', {}),
            ('ALTER TABLE feedback_before_step_4 DROP CONSTRAINT feedback_version_once', {}),
            ('CREATE TABLE feedback (\n\tseq INTEGER NOT NULL, \n\tstudent VARCHAR(200) NOT NULL, \n\tsession VARCHAR(200) NOT NULL, \n\tversion INTEGER NOT NULL, \n\ttutor VARCHAR(200) NOT NULL, \n\tgiven_at BIGINT NOT NULL, \n\tcompleted BOOLEAN NOT NULL, \n\treason VARCHAR(40), \n\tstudent_missed BOOLEAN, \n\ttech_issues BOOLEAN NOT NULL, \n\tnote TEXT NOT NULL, \n\tplatform TEXT, \n\tevaluation TEXT NOT NULL, \n\tgreat_work BOOLEAN NOT NULL, \n\tgoal VARCHAR(200), \n\tdoing_great VARCHAR(200), \n\tfocus TEXT NOT NULL, \n\tlanguage_seen TEXT NOT NULL, \n\tfollow_up TEXT NOT NULL, \n\tcomments TEXT NOT NULL, \n\tsaved_at BIGINT, \n\tCONSTRAINT feedback_by_student PRIMARY KEY (student, session, version), \n\tCONSTRAINT feedback_version_once UNIQUE (session, version), \n\tUNIQUE (seq)\n)', {}),
            ('INSERT INTO feedback (seq, student, session, tutor, given_at, completed, version, reason, student_missed, tech_issues, note, platform, evaluation, great_work, goal, doing_great, focus, language_seen, follow_up, comments, saved_at) SELECT feedback_before_step_4.seq, coalesce(sessions.student, %(coalesce_1)s::VARCHAR) AS student, feedback_before_step_4.session, feedback_before_step_4.tutor, feedback_before_step_4.given_at, feedback_before_step_4.completed, feedback_before_step_4.version, feedback_before_step_4.reason, feedback_before_step_4.student_missed, feedback_before_step_4.tech_issues, feedback_before_step_4.note, feedback_before_step_4.platform, feedback_before_step_4.evaluation, feedback_before_step_4.great_work, feedback_before_step_4.goal, feedback_before_step_4.doing_great, feedback_before_step_4.focus, feedback_before_step_4.language_seen, feedback_before_step_4.follow_up, feedback_before_step_4.comments, feedback_before_step_4.saved_at \nFROM feedback_before_step_4 LEFT OUTER JOIN sessions ON sessions.id = feedback_before_step_4.session ORDER BY student, feedback_before_step_4.session, feedback_before_step_4.version', {'coalesce_1': ''}),
            ('DROP TABLE feedback_before_step_4', {}),
            ('DROP INDEX sessions_by_student', {}),
            ('CREATE INDEX sessions_of_student ON sessions (student, start, id, tutor, minutes, fb_version)', {}),
            ('CREATE INDEX sessions_badges ON sessions (tutor, start, id, fb_great_work, fb_completed) WHERE fb_completed IS true', {}),
            ('ANALYZE sessions', {}),
            ('ANALYZE feedback', {}),
        ],
    ],
}

SQL: dict[str, dict[str, Compiled]] = {
    'sqlite': {
        'add_feedback': [
            ('INSERT INTO feedback (seq, student, session, version, tutor, given_at, completed, reason, student_missed, tech_issues, note, platform, evaluation, great_work, goal, doing_great, focus, language_seen, follow_up, comments, saved_at) VALUES (:seq, :student, :session, :version, :tutor, :given_at, :completed, :reason, :student_missed, :tech_issues, :note, :platform, :evaluation, :great_work, :goal, :doing_great, :focus, :language_seen, :follow_up, :comments, :saved_at)', {}),
        ],
        'add_plan_change': [
            ('INSERT INTO plan_changes (student, goal, action, at, "by") VALUES (:student, :goal, :action, :at, :by)', {}),
        ],
        'analyze': [
            ('ANALYZE tutors', {}),
            ('ANALYZE students', {}),
            ('ANALYZE sessions', {}),
            ('ANALYZE feedback', {}),
            ('ANALYZE plan_changes', {}),
        ],
        'completed_badges': [
            ('SELECT sessions.start, sessions.id, sessions.fb_great_work \nFROM sessions \nWHERE sessions.tutor = :tutor AND sessions.fb_completed IS 1 ORDER BY sessions.start DESC, sessions.id DESC\n LIMIT :newest OFFSET :param_1', {'param_1': 0}),
        ],
        'count_rows': [
            ('SELECT (SELECT count(*) AS count_1 \nFROM tutors) AS tutors, (SELECT count(*) AS count_2 \nFROM students) AS students, (SELECT count(*) AS count_3 \nFROM sessions) AS sessions, (SELECT count(*) AS count_4 \nFROM feedback) AS feedback, (SELECT count(*) AS count_5 \nFROM plan_changes) AS plan_changes', {}),
        ],
        'drop_tables': [
            ('DROP TABLE plan_changes', {}),
            ('DROP TABLE feedback', {}),
            ('DROP TABLE sessions', {}),
            ('DROP TABLE students', {}),
            ('DROP TABLE tutors', {}),
            ('DROP TABLE fbcli_meta', {}),
        ],
        'feedback_stored': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback ORDER BY feedback.seq', {}),
        ],
        'feedback_versions': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback \nWHERE feedback.session = :session ORDER BY feedback.version', {}),
        ],
        'first_given_all': [
            ('SELECT sessions.id, sessions.fb_first_given \nFROM sessions \nWHERE sessions.fb_count > :fb_count_1', {'fb_count_1': 1}),
        ],
        'first_given_of': [
            ('SELECT sessions.id, sessions.fb_first_given \nFROM sessions \nWHERE sessions.fb_count > :fb_count_1 AND sessions.id IN (SELECT anon_1.value \nFROM json_each(:ids) AS anon_1)', {'fb_count_1': 1}),
        ],
        'latest_feedback': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback \nWHERE feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.session = feedback.session)', {}),
        ],
        'latest_feedback_of_both': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback JOIN sessions ON feedback.student = sessions.student AND feedback.session = sessions.id AND feedback.version = sessions.fb_version \nWHERE sessions.tutor = :tutor AND sessions.student = :student', {}),
        ],
        'latest_feedback_of_student': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback \nWHERE feedback.student = :student AND feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.student = feedback.student AND other.session = feedback.session)', {}),
        ],
        'latest_feedback_of_tutor': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback JOIN sessions ON feedback.student = sessions.student AND feedback.session = sessions.id AND feedback.version = sessions.fb_version \nWHERE sessions.tutor = :tutor', {}),
        ],
        'move_every_feedback': [
            ('UPDATE feedback SET student=sessions.student FROM sessions WHERE sessions.id = feedback.session AND feedback.student != sessions.student', {}),
        ],
        'move_feedback': [
            ('UPDATE feedback SET student=sessions.student FROM sessions WHERE feedback.session IN (SELECT anon_1.value \nFROM json_each(:ids) AS anon_1) AND sessions.id = feedback.session AND feedback.student != sessions.student', {}),
        ],
        'next_feedback_seq': [
            ('SELECT coalesce(max(feedback.seq), :coalesce_1) + :coalesce_2 AS anon_1 \nFROM feedback', {'coalesce_1': 0, 'coalesce_2': 1}),
        ],
        'plan_changes': [
            ('SELECT plan_changes.student, plan_changes.goal, plan_changes.action, plan_changes.at, plan_changes."by" \nFROM plan_changes ORDER BY plan_changes.at, plan_changes.seq', {}),
        ],
        'plan_changes_of_student': [
            ('SELECT plan_changes.student, plan_changes.goal, plan_changes.action, plan_changes.at, plan_changes."by" \nFROM plan_changes \nWHERE plan_changes.student = :student ORDER BY plan_changes.at, plan_changes.seq', {}),
        ],
        'plan_changes_stored': [
            ('SELECT plan_changes.student, plan_changes.goal, plan_changes.action, plan_changes.at, plan_changes."by" \nFROM plan_changes ORDER BY plan_changes.seq', {}),
        ],
        'put_session': [
            ('INSERT INTO sessions (id, tutor, student, start, minutes) VALUES (:id, :tutor, :student, :start, :minutes) ON CONFLICT (id) DO UPDATE SET tutor = excluded.tutor, student = excluded.student, start = excluded.start, minutes = excluded.minutes', {}),
        ],
        'put_student': [
            ('INSERT INTO students (id, name, levels) VALUES (:id, :name, :levels) ON CONFLICT (id) DO UPDATE SET name = excluded.name, levels = excluded.levels', {}),
        ],
        'put_tutor': [
            ('INSERT INTO tutors (id, name, email, role) VALUES (:id, :name, :email, :role) ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, role = excluded.role', {}),
        ],
        'refresh_every_run': [
            ('UPDATE sessions SET award_run=NULL, awards_before=NULL WHERE sessions.award_run IS NOT NULL AND sessions.fb_completed IS NOT 1', {}),
            ('UPDATE sessions SET award_run=runs.run, awards_before=runs."before" FROM (SELECT placed.id AS id, placed.run AS run, placed."before" AS "before" \nFROM (SELECT counted.id AS id, counted.award_run AS award_run, counted.awards_before AS awards_before, counted."before" AS "before", row_number() OVER (PARTITION BY counted.student, counted."before" ORDER BY counted.start, counted.id) AS run \nFROM (SELECT sessions.id AS id, sessions.student AS student, sessions.start AS start, sessions.award_run AS award_run, sessions.awards_before AS awards_before, coalesce(sum(CASE WHEN (sessions.fb_doing_great IS NOT NULL) THEN :param_1 ELSE :param_2 END) OVER (PARTITION BY sessions.student ORDER BY sessions.start, sessions.id ROWS BETWEEN UNBOUNDED PRECEDING AND :param_3 PRECEDING), :coalesce_1) AS "before" \nFROM sessions \nWHERE sessions.fb_completed IS 1) AS counted) AS placed \nWHERE placed.award_run IS NOT placed.run OR placed.awards_before IS NOT placed."before") AS runs WHERE sessions.id = runs.id', {'param_1': 1, 'param_2': 0, 'param_3': 1, 'coalesce_1': 0}),
        ],
        'refresh_every_session': [
            ('UPDATE sessions SET fb_version=latest.version, fb_count=given.versions, fb_first_given=given.given_at, fb_delay=(given.given_at - (sessions.start + sessions.minutes * :minutes_1)), fb_completed=latest.completed, fb_reason=latest.reason, fb_tech_issues=latest.tech_issues, fb_platform=latest.platform, fb_great_work=latest.great_work, fb_doing_great=latest.doing_great FROM (SELECT feedback.student AS student, feedback.session AS session, feedback.version AS version, feedback.completed AS completed, feedback.reason AS reason, feedback.tech_issues AS tech_issues, feedback.platform AS platform, feedback.great_work AS great_work, nullif(feedback.doing_great, :nullif_1) AS doing_great \nFROM feedback \nWHERE feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.student = feedback.student AND other.session = feedback.session)) AS latest, (SELECT first.student AS student, first.session AS session, first.given_at AS given_at, firsts.versions AS versions \nFROM feedback AS first JOIN (SELECT feedback.student AS student, feedback.session AS session, min(feedback.version) AS version, count(*) AS versions \nFROM feedback GROUP BY feedback.student, feedback.session) AS firsts ON firsts.student = first.student AND firsts.session = first.session AND first.version = firsts.version) AS given WHERE sessions.id = latest.session AND sessions.id = given.session AND sessions.student = latest.student AND sessions.student = given.student', {'minutes_1': 60, 'nullif_1': ''}),
        ],
        'refresh_runs': [
            ('UPDATE sessions SET award_run=NULL, awards_before=NULL WHERE sessions.student IN (SELECT anon_1.value \nFROM json_each(:ids) AS anon_1) AND sessions.award_run IS NOT NULL AND sessions.fb_completed IS NOT 1', {}),
            ('UPDATE sessions SET award_run=runs.run, awards_before=runs."before" FROM (SELECT placed.id AS id, placed.run AS run, placed."before" AS "before" \nFROM (SELECT counted.id AS id, counted.award_run AS award_run, counted.awards_before AS awards_before, counted."before" AS "before", row_number() OVER (PARTITION BY counted.student, counted."before" ORDER BY counted.start, counted.id) AS run \nFROM (SELECT sessions.id AS id, sessions.student AS student, sessions.start AS start, sessions.award_run AS award_run, sessions.awards_before AS awards_before, coalesce(sum(CASE WHEN (sessions.fb_doing_great IS NOT NULL) THEN :param_1 ELSE :param_2 END) OVER (PARTITION BY sessions.student ORDER BY sessions.start, sessions.id ROWS BETWEEN UNBOUNDED PRECEDING AND :param_3 PRECEDING), :coalesce_1) AS "before" \nFROM sessions \nWHERE sessions.fb_completed IS 1 AND sessions.student IN (SELECT anon_1.value \nFROM json_each(:ids) AS anon_1)) AS counted) AS placed \nWHERE placed.award_run IS NOT placed.run OR placed.awards_before IS NOT placed."before") AS runs WHERE sessions.id = runs.id', {'param_1': 1, 'param_2': 0, 'param_3': 1, 'coalesce_1': 0}),
        ],
        'refresh_runs_of': [
            ('UPDATE sessions SET award_run=NULL, awards_before=NULL WHERE sessions.student = :student AND sessions.award_run IS NOT NULL AND sessions.fb_completed IS NOT 1', {}),
            ('UPDATE sessions SET award_run=runs.run, awards_before=runs."before" FROM (SELECT placed.id AS id, placed.run AS run, placed."before" AS "before" \nFROM (SELECT counted.id AS id, counted.award_run AS award_run, counted.awards_before AS awards_before, counted."before" AS "before", row_number() OVER (PARTITION BY counted.student, counted."before" ORDER BY counted.start, counted.id) AS run \nFROM (SELECT sessions.id AS id, sessions.student AS student, sessions.start AS start, sessions.award_run AS award_run, sessions.awards_before AS awards_before, coalesce(sum(CASE WHEN (sessions.fb_doing_great IS NOT NULL) THEN :param_1 ELSE :param_2 END) OVER (PARTITION BY sessions.student ORDER BY sessions.start, sessions.id ROWS BETWEEN UNBOUNDED PRECEDING AND :param_3 PRECEDING), :coalesce_1) AS "before" \nFROM sessions \nWHERE sessions.fb_completed IS 1 AND sessions.student = :student) AS counted) AS placed \nWHERE placed.award_run IS NOT placed.run OR placed.awards_before IS NOT placed."before") AS runs WHERE sessions.id = runs.id', {'param_1': 1, 'param_2': 0, 'param_3': 1, 'coalesce_1': 0}),
        ],
        'refresh_sessions': [
            ('UPDATE sessions SET fb_version=latest.version, fb_count=given.versions, fb_first_given=given.given_at, fb_delay=(given.given_at - (sessions.start + sessions.minutes * :minutes_1)), fb_completed=latest.completed, fb_reason=latest.reason, fb_tech_issues=latest.tech_issues, fb_platform=latest.platform, fb_great_work=latest.great_work, fb_doing_great=latest.doing_great FROM (SELECT feedback.student AS student, feedback.session AS session, feedback.version AS version, feedback.completed AS completed, feedback.reason AS reason, feedback.tech_issues AS tech_issues, feedback.platform AS platform, feedback.great_work AS great_work, nullif(feedback.doing_great, :nullif_1) AS doing_great \nFROM feedback \nWHERE feedback.session IN (SELECT anon_1.value \nFROM json_each(:ids) AS anon_1) AND feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.student = feedback.student AND other.session = feedback.session)) AS latest, (SELECT first.student AS student, first.session AS session, first.given_at AS given_at, firsts.versions AS versions \nFROM feedback AS first JOIN (SELECT feedback.student AS student, feedback.session AS session, min(feedback.version) AS version, count(*) AS versions \nFROM feedback \nWHERE feedback.session IN (SELECT anon_1.value \nFROM json_each(:ids) AS anon_1) GROUP BY feedback.student, feedback.session) AS firsts ON firsts.student = first.student AND firsts.session = first.session AND first.version = firsts.version) AS given WHERE sessions.id = latest.session AND sessions.id = given.session AND sessions.student = latest.student AND sessions.student = given.student', {'minutes_1': 60, 'nullif_1': ''}),
        ],
        'schema_version': [
            ('SELECT fbcli_meta.value \nFROM fbcli_meta \nWHERE fbcli_meta."key" = :key_1', {'key_1': 'schema_version'}),
        ],
        'session': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions \nWHERE sessions.id = :id', {}),
        ],
        'session_ids': [
            ('SELECT sessions.id \nFROM sessions ORDER BY sessions.seq', {}),
        ],
        'sessions': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions ORDER BY sessions.start, sessions.id', {}),
        ],
        'sessions_of_both': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions \nWHERE sessions.tutor = :tutor AND sessions.student = :student ORDER BY sessions.start, sessions.id', {}),
        ],
        'sessions_of_student': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions \nWHERE sessions.student = :student ORDER BY sessions.start, sessions.id', {}),
        ],
        'sessions_of_tutor': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions \nWHERE sessions.tutor = :tutor ORDER BY sessions.start, sessions.id', {}),
        ],
        'sessions_stored': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions ORDER BY sessions.seq', {}),
        ],
        'set_meta': [
            ('INSERT INTO fbcli_meta ("key", value) VALUES (:key, :value) ON CONFLICT ("key") DO UPDATE SET value = excluded.value', {}),
        ],
        'stats_first_of_tutor': [
            ('SELECT min(sessions.id) AS min_1 \nFROM sessions \nWHERE sessions.start >= :first AND sessions.start < :end AND sessions.start + sessions.minutes * :minutes_1 <= :now AND sessions.fb_version IS NOT NULL AND sessions.tutor = :tutor AND sessions.start = :start AND sessions.fb_platform = :platform', {'minutes_1': 60}),
        ],
        'stats_first_of_tutor_unnamed': [
            ('SELECT min(sessions.id) AS min_1 \nFROM sessions \nWHERE sessions.start >= :first AND sessions.start < :end AND sessions.start + sessions.minutes * :minutes_1 <= :now AND sessions.fb_version IS NOT NULL AND sessions.tutor = :tutor AND sessions.start = :start AND sessions.fb_platform IS NULL', {'minutes_1': 60}),
        ],
        'stats_gaps': [
            ('SELECT sessions.tutor, sessions.award_run AS gap, count(*) AS awards \nFROM sessions \nWHERE sessions.fb_doing_great IS NOT NULL AND sessions.fb_completed IS 1 AND sessions.start >= :first AND sessions.start < :end GROUP BY sessions.tutor, sessions.award_run', {}),
        ],
        'stats_median': [
            ('SELECT sessions.fb_delay \nFROM sessions \nWHERE sessions.tutor = :tutor AND sessions.fb_delay IS NOT NULL AND sessions.start + :start_1 >= :first AND sessions.start + :start_1 < :end AND sessions.start + :start_1 + sessions.minutes * :minutes_1 <= :now ORDER BY sessions.fb_delay\n LIMIT :count OFFSET :skip', {'start_1': 0, 'minutes_1': 60}),
        ],
        'stats_open_runs': [
            ('WITH open_runs AS MATERIALIZED \n(SELECT every_run.student AS student, every_run.run AS run, every_run."before" AS "before" \nFROM (SELECT students.id AS student, (SELECT CASE WHEN (last.fb_doing_great IS NULL) THEN last.award_run ELSE :param_1 END AS anon_1 \nFROM sessions AS last \nWHERE last.student = students.id AND last.fb_completed IS 1 AND last.start < :end ORDER BY last.start DESC, last.id DESC\n LIMIT :param_2 OFFSET :param_3) AS run, (SELECT last.awards_before \nFROM sessions AS last \nWHERE last.student = students.id AND last.fb_completed IS 1 AND last.start < :end ORDER BY last.start DESC, last.id DESC\n LIMIT :param_4 OFFSET :param_5) AS "before" \nFROM students) AS every_run \nWHERE every_run.run >= :overdue)\n SELECT sessions.tutor, open_runs.run, count(DISTINCT sessions.student) AS students \nFROM sessions JOIN open_runs ON open_runs.student = sessions.student \nWHERE sessions.fb_completed IS 1 AND sessions.fb_doing_great IS NULL AND sessions.awards_before = open_runs."before" AND sessions.start >= :first AND sessions.start < :end GROUP BY sessions.tutor, open_runs.run', {'param_1': 0, 'param_2': 1, 'param_3': 0, 'param_4': 1, 'param_5': 0}),
        ],
        'stats_outcomes': [
            ('SELECT sessions.tutor, count(*) AS taught, coalesce(sum(CASE WHEN (sessions.fb_version IS NULL) THEN :param_1 ELSE :param_2 END), :coalesce_1) AS pending, coalesce(sum(CASE WHEN (sessions.fb_version IS NULL AND sessions.start + :due_after <= :now) THEN :param_3 ELSE :param_4 END), :coalesce_2) AS pending_overdue, coalesce(sum(CASE WHEN (sessions.fb_version IS NOT NULL) THEN :param_5 ELSE :param_6 END), :coalesce_3) AS given, coalesce(sum(CASE WHEN (sessions.fb_first_given > sessions.start + :due_after) THEN :param_7 ELSE :param_8 END), :coalesce_4) AS late, coalesce(sum(CASE WHEN (sessions.fb_completed IS 1) THEN :param_9 ELSE :param_10 END), :coalesce_5) AS completed, coalesce(sum(CASE WHEN (sessions.fb_completed IS 1 AND sessions.fb_great_work IS 1) THEN :param_11 ELSE :param_12 END), :coalesce_6) AS great_work, coalesce(sum(CASE WHEN (sessions.fb_tech_issues IS 1) THEN :param_13 ELSE :param_14 END), :coalesce_7) AS tech_issues \nFROM sessions \nWHERE sessions.start >= :first AND sessions.start < :end AND sessions.start + sessions.minutes * :minutes_1 <= :now GROUP BY sessions.tutor', {'param_1': 1, 'param_2': 0, 'coalesce_1': 0, 'param_3': 1, 'param_4': 0, 'coalesce_2': 0, 'param_5': 1, 'param_6': 0, 'coalesce_3': 0, 'param_7': 1, 'param_8': 0, 'coalesce_4': 0, 'param_9': 1, 'param_10': 0, 'coalesce_5': 0, 'param_11': 1, 'param_12': 0, 'coalesce_6': 0, 'param_13': 1, 'param_14': 0, 'coalesce_7': 0, 'minutes_1': 60}),
        ],
        'stats_platforms': [
            ('SELECT sessions.tutor, sessions.fb_platform, count(*) AS sessions, coalesce(sum(CASE WHEN (sessions.fb_tech_issues IS 1) THEN :param_1 ELSE :param_2 END), :coalesce_1) AS tech_issues, min(sessions.start) AS first_seen \nFROM sessions \nWHERE sessions.start >= :first AND sessions.start < :end AND sessions.start + sessions.minutes * :minutes_1 <= :now AND sessions.fb_version IS NOT NULL GROUP BY sessions.tutor, sessions.fb_platform', {'param_1': 1, 'param_2': 0, 'coalesce_1': 0, 'minutes_1': 60}),
        ],
        'stats_reasons': [
            ('SELECT sessions.tutor, sessions.fb_reason, count(*) AS sessions \nFROM sessions \nWHERE sessions.fb_completed IS 0 AND sessions.start >= :first AND sessions.start < :end AND sessions.start + sessions.minutes * :minutes_1 <= :now GROUP BY sessions.tutor, sessions.fb_reason', {'minutes_1': 60}),
        ],
        'student': [
            ('SELECT students.id, students.name, students.levels \nFROM students \nWHERE students.id = :id', {}),
        ],
        'students': [
            ('SELECT students.id, students.name, students.levels \nFROM students ORDER BY students.seq', {}),
        ],
        'students_by_session': [
            ('SELECT sessions.id, sessions.student \nFROM sessions \nWHERE sessions.id IN (SELECT anon_1.value \nFROM json_each(:ids) AS anon_1)', {}),
        ],
        'students_of_sessions': [
            ('SELECT DISTINCT sessions.student \nFROM sessions \nWHERE sessions.id IN (SELECT anon_1.value \nFROM json_each(:ids) AS anon_1) AND sessions.fb_version IS NOT NULL', {}),
        ],
        'tutor': [
            ('SELECT tutors.id, tutors.name, tutors.email, tutors.role \nFROM tutors \nWHERE tutors.id = :id', {}),
        ],
        'tutors': [
            ('SELECT tutors.id, tutors.name, tutors.email, tutors.role \nFROM tutors ORDER BY tutors.seq', {}),
        ],
        'vacuum': [
        ],
    },
    'postgresql': {
        'add_feedback': [
            ('INSERT INTO feedback (seq, student, session, version, tutor, given_at, completed, reason, student_missed, tech_issues, note, platform, evaluation, great_work, goal, doing_great, focus, language_seen, follow_up, comments, saved_at) VALUES (%(seq)s::INTEGER, %(student)s::VARCHAR, %(session)s::VARCHAR, %(version)s::INTEGER, %(tutor)s::VARCHAR, %(given_at)s::BIGINT, %(completed)s, %(reason)s::VARCHAR, %(student_missed)s, %(tech_issues)s, %(note)s::VARCHAR, %(platform)s::VARCHAR, %(evaluation)s::VARCHAR, %(great_work)s, %(goal)s::VARCHAR, %(doing_great)s::VARCHAR, %(focus)s::VARCHAR, %(language_seen)s::VARCHAR, %(follow_up)s::VARCHAR, %(comments)s::VARCHAR, %(saved_at)s::BIGINT)', {}),
        ],
        'add_plan_change': [
            ('INSERT INTO plan_changes (student, goal, action, at, by) VALUES (%(student)s::VARCHAR, %(goal)s::VARCHAR, %(action)s::VARCHAR, %(at)s::BIGINT, %(by)s::VARCHAR)', {}),
        ],
        'analyze': [
            ('ANALYZE tutors', {}),
            ('ANALYZE students', {}),
            ('ANALYZE sessions', {}),
            ('ANALYZE feedback', {}),
            ('ANALYZE plan_changes', {}),
        ],
        'completed_badges': [
            ('SELECT sessions.start, sessions.id, sessions.fb_great_work \nFROM sessions \nWHERE sessions.tutor = %(tutor)s::VARCHAR AND sessions.fb_completed IS true ORDER BY sessions.start DESC, sessions.id DESC \n LIMIT %(newest)s::INTEGER', {}),
        ],
        'count_rows': [
            ('SELECT (SELECT count(*) AS count_1 \nFROM tutors) AS tutors, (SELECT count(*) AS count_2 \nFROM students) AS students, (SELECT count(*) AS count_3 \nFROM sessions) AS sessions, (SELECT count(*) AS count_4 \nFROM feedback) AS feedback, (SELECT count(*) AS count_5 \nFROM plan_changes) AS plan_changes', {}),
        ],
        'drop_tables': [
            ('DROP TABLE plan_changes', {}),
            ('DROP TABLE feedback', {}),
            ('DROP TABLE sessions', {}),
            ('DROP TABLE students', {}),
            ('DROP TABLE tutors', {}),
            ('DROP TABLE fbcli_meta', {}),
        ],
        'feedback_stored': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback ORDER BY feedback.seq', {}),
        ],
        'feedback_versions': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback \nWHERE feedback.session = %(session)s::VARCHAR ORDER BY feedback.version', {}),
        ],
        'first_given_all': [
            ('SELECT sessions.id, sessions.fb_first_given \nFROM sessions \nWHERE sessions.fb_count > %(fb_count_1)s::INTEGER', {'fb_count_1': 1}),
        ],
        'first_given_of': [
            ('SELECT sessions.id, sessions.fb_first_given \nFROM sessions \nWHERE sessions.fb_count > %(fb_count_1)s::INTEGER AND sessions.id IN (SELECT anon_1.value \nFROM jsonb_array_elements_text(CAST(%(ids)s::VARCHAR AS JSONB)) AS anon_1)', {'fb_count_1': 1}),
        ],
        'latest_feedback': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback \nWHERE feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.session = feedback.session)', {}),
        ],
        'latest_feedback_of_both': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback JOIN sessions ON feedback.student = sessions.student AND feedback.session = sessions.id AND feedback.version = sessions.fb_version \nWHERE sessions.tutor = %(tutor)s::VARCHAR AND sessions.student = %(student)s::VARCHAR', {}),
        ],
        'latest_feedback_of_student': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback \nWHERE feedback.student = %(student)s::VARCHAR AND feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.student = feedback.student AND other.session = feedback.session)', {}),
        ],
        'latest_feedback_of_tutor': [
            ('SELECT feedback.session, feedback.tutor, feedback.given_at, feedback.completed, feedback.version, feedback.reason, feedback.student_missed, feedback.tech_issues, feedback.note, feedback.platform, feedback.evaluation, feedback.great_work, feedback.goal, feedback.doing_great, feedback.focus, feedback.language_seen, feedback.follow_up, feedback.comments, feedback.saved_at \nFROM feedback JOIN sessions ON feedback.student = sessions.student AND feedback.session = sessions.id AND feedback.version = sessions.fb_version \nWHERE sessions.tutor = %(tutor)s::VARCHAR', {}),
        ],
        'move_every_feedback': [
            ('UPDATE feedback SET student=sessions.student FROM sessions WHERE sessions.id = feedback.session AND feedback.student != sessions.student', {}),
        ],
        'move_feedback': [
            ('UPDATE feedback SET student=sessions.student FROM sessions WHERE feedback.session IN (SELECT anon_1.value \nFROM jsonb_array_elements_text(CAST(%(ids)s::VARCHAR AS JSONB)) AS anon_1) AND sessions.id = feedback.session AND feedback.student != sessions.student', {}),
        ],
        'next_feedback_seq': [
            ('SELECT coalesce(max(feedback.seq), %(coalesce_1)s::INTEGER) + %(coalesce_2)s::INTEGER AS anon_1 \nFROM feedback', {'coalesce_1': 0, 'coalesce_2': 1}),
        ],
        'plan_changes': [
            ('SELECT plan_changes.student, plan_changes.goal, plan_changes.action, plan_changes.at, plan_changes.by \nFROM plan_changes ORDER BY plan_changes.at, plan_changes.seq', {}),
        ],
        'plan_changes_of_student': [
            ('SELECT plan_changes.student, plan_changes.goal, plan_changes.action, plan_changes.at, plan_changes.by \nFROM plan_changes \nWHERE plan_changes.student = %(student)s::VARCHAR ORDER BY plan_changes.at, plan_changes.seq', {}),
        ],
        'plan_changes_stored': [
            ('SELECT plan_changes.student, plan_changes.goal, plan_changes.action, plan_changes.at, plan_changes.by \nFROM plan_changes ORDER BY plan_changes.seq', {}),
        ],
        'put_session': [
            ('INSERT INTO sessions (id, tutor, student, start, minutes) VALUES (%(id)s::VARCHAR, %(tutor)s::VARCHAR, %(student)s::VARCHAR, %(start)s::BIGINT, %(minutes)s::INTEGER) ON CONFLICT (id) DO UPDATE SET tutor = excluded.tutor, student = excluded.student, start = excluded.start, minutes = excluded.minutes', {}),
        ],
        'put_student': [
            ('INSERT INTO students (id, name, levels) VALUES (%(id)s::VARCHAR, %(name)s::VARCHAR, %(levels)s::VARCHAR) ON CONFLICT (id) DO UPDATE SET name = excluded.name, levels = excluded.levels', {}),
        ],
        'put_tutor': [
            ('INSERT INTO tutors (id, name, email, role) VALUES (%(id)s::VARCHAR, %(name)s::VARCHAR, %(email)s::VARCHAR, %(role)s::VARCHAR) ON CONFLICT (id) DO UPDATE SET name = excluded.name, email = excluded.email, role = excluded.role', {}),
        ],
        'refresh_every_run': [
            ('UPDATE sessions SET award_run=NULL, awards_before=NULL WHERE sessions.award_run IS NOT NULL AND sessions.fb_completed IS NOT true', {}),
            ('UPDATE sessions SET award_run=runs.run, awards_before=runs.before FROM (SELECT placed.id AS id, placed.run AS run, placed.before AS before \nFROM (SELECT counted.id AS id, counted.award_run AS award_run, counted.awards_before AS awards_before, counted.before AS before, row_number() OVER (PARTITION BY counted.student, counted.before ORDER BY counted.start, counted.id) AS run \nFROM (SELECT sessions.id AS id, sessions.student AS student, sessions.start AS start, sessions.award_run AS award_run, sessions.awards_before AS awards_before, coalesce(sum(CASE WHEN (sessions.fb_doing_great IS NOT NULL) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) OVER (PARTITION BY sessions.student ORDER BY sessions.start, sessions.id ROWS BETWEEN UNBOUNDED PRECEDING AND %(param_3)s::INTEGER PRECEDING), %(coalesce_1)s::INTEGER) AS before \nFROM sessions \nWHERE sessions.fb_completed IS true) AS counted) AS placed \nWHERE placed.award_run IS DISTINCT FROM placed.run OR placed.awards_before IS DISTINCT FROM placed.before) AS runs WHERE sessions.id = runs.id', {'param_1': 1, 'param_2': 0, 'param_3': 1, 'coalesce_1': 0}),
        ],
        'refresh_every_session': [
            ('UPDATE sessions SET fb_version=latest.version, fb_count=given.versions, fb_first_given=given.given_at, fb_delay=(given.given_at - (sessions.start + sessions.minutes * %(minutes_1)s::INTEGER)), fb_completed=latest.completed, fb_reason=latest.reason, fb_tech_issues=latest.tech_issues, fb_platform=latest.platform, fb_great_work=latest.great_work, fb_doing_great=latest.doing_great FROM (SELECT feedback.student AS student, feedback.session AS session, feedback.version AS version, feedback.completed AS completed, feedback.reason AS reason, feedback.tech_issues AS tech_issues, feedback.platform AS platform, feedback.great_work AS great_work, nullif(feedback.doing_great, %(nullif_1)s::VARCHAR) AS doing_great \nFROM feedback \nWHERE feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.student = feedback.student AND other.session = feedback.session)) AS latest, (SELECT first.student AS student, first.session AS session, first.given_at AS given_at, firsts.versions AS versions \nFROM feedback AS first JOIN (SELECT feedback.student AS student, feedback.session AS session, min(feedback.version) AS version, count(*) AS versions \nFROM feedback GROUP BY feedback.student, feedback.session) AS firsts ON firsts.student = first.student AND firsts.session = first.session AND first.version = firsts.version) AS given WHERE sessions.id = latest.session AND sessions.id = given.session AND sessions.student = latest.student AND sessions.student = given.student', {'minutes_1': 60, 'nullif_1': ''}),
        ],
        'refresh_runs': [
            ('UPDATE sessions SET award_run=NULL, awards_before=NULL WHERE sessions.student IN (SELECT anon_1.value \nFROM jsonb_array_elements_text(CAST(%(ids)s::VARCHAR AS JSONB)) AS anon_1) AND sessions.award_run IS NOT NULL AND sessions.fb_completed IS NOT true', {}),
            ('UPDATE sessions SET award_run=runs.run, awards_before=runs.before FROM (SELECT placed.id AS id, placed.run AS run, placed.before AS before \nFROM (SELECT counted.id AS id, counted.award_run AS award_run, counted.awards_before AS awards_before, counted.before AS before, row_number() OVER (PARTITION BY counted.student, counted.before ORDER BY counted.start, counted.id) AS run \nFROM (SELECT sessions.id AS id, sessions.student AS student, sessions.start AS start, sessions.award_run AS award_run, sessions.awards_before AS awards_before, coalesce(sum(CASE WHEN (sessions.fb_doing_great IS NOT NULL) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) OVER (PARTITION BY sessions.student ORDER BY sessions.start, sessions.id ROWS BETWEEN UNBOUNDED PRECEDING AND %(param_3)s::INTEGER PRECEDING), %(coalesce_1)s::INTEGER) AS before \nFROM sessions \nWHERE sessions.fb_completed IS true AND sessions.student IN (SELECT anon_1.value \nFROM jsonb_array_elements_text(CAST(%(ids)s::VARCHAR AS JSONB)) AS anon_1)) AS counted) AS placed \nWHERE placed.award_run IS DISTINCT FROM placed.run OR placed.awards_before IS DISTINCT FROM placed.before) AS runs WHERE sessions.id = runs.id', {'param_1': 1, 'param_2': 0, 'param_3': 1, 'coalesce_1': 0}),
        ],
        'refresh_runs_of': [
            ('UPDATE sessions SET award_run=NULL, awards_before=NULL WHERE sessions.student = %(student)s::VARCHAR AND sessions.award_run IS NOT NULL AND sessions.fb_completed IS NOT true', {}),
            ('UPDATE sessions SET award_run=runs.run, awards_before=runs.before FROM (SELECT placed.id AS id, placed.run AS run, placed.before AS before \nFROM (SELECT counted.id AS id, counted.award_run AS award_run, counted.awards_before AS awards_before, counted.before AS before, row_number() OVER (PARTITION BY counted.student, counted.before ORDER BY counted.start, counted.id) AS run \nFROM (SELECT sessions.id AS id, sessions.student AS student, sessions.start AS start, sessions.award_run AS award_run, sessions.awards_before AS awards_before, coalesce(sum(CASE WHEN (sessions.fb_doing_great IS NOT NULL) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END) OVER (PARTITION BY sessions.student ORDER BY sessions.start, sessions.id ROWS BETWEEN UNBOUNDED PRECEDING AND %(param_3)s::INTEGER PRECEDING), %(coalesce_1)s::INTEGER) AS before \nFROM sessions \nWHERE sessions.fb_completed IS true AND sessions.student = %(student)s::VARCHAR) AS counted) AS placed \nWHERE placed.award_run IS DISTINCT FROM placed.run OR placed.awards_before IS DISTINCT FROM placed.before) AS runs WHERE sessions.id = runs.id', {'param_1': 1, 'param_2': 0, 'param_3': 1, 'coalesce_1': 0}),
        ],
        'refresh_sessions': [
            ('UPDATE sessions SET fb_version=latest.version, fb_count=given.versions, fb_first_given=given.given_at, fb_delay=(given.given_at - (sessions.start + sessions.minutes * %(minutes_1)s::INTEGER)), fb_completed=latest.completed, fb_reason=latest.reason, fb_tech_issues=latest.tech_issues, fb_platform=latest.platform, fb_great_work=latest.great_work, fb_doing_great=latest.doing_great FROM (SELECT feedback.student AS student, feedback.session AS session, feedback.version AS version, feedback.completed AS completed, feedback.reason AS reason, feedback.tech_issues AS tech_issues, feedback.platform AS platform, feedback.great_work AS great_work, nullif(feedback.doing_great, %(nullif_1)s::VARCHAR) AS doing_great \nFROM feedback \nWHERE feedback.session IN (SELECT anon_1.value \nFROM jsonb_array_elements_text(CAST(%(ids)s::VARCHAR AS JSONB)) AS anon_1) AND feedback.version = (SELECT max(other.version) AS max_1 \nFROM feedback AS other \nWHERE other.student = feedback.student AND other.session = feedback.session)) AS latest, (SELECT first.student AS student, first.session AS session, first.given_at AS given_at, firsts.versions AS versions \nFROM feedback AS first JOIN (SELECT feedback.student AS student, feedback.session AS session, min(feedback.version) AS version, count(*) AS versions \nFROM feedback \nWHERE feedback.session IN (SELECT anon_1.value \nFROM jsonb_array_elements_text(CAST(%(ids)s::VARCHAR AS JSONB)) AS anon_1) GROUP BY feedback.student, feedback.session) AS firsts ON firsts.student = first.student AND firsts.session = first.session AND first.version = firsts.version) AS given WHERE sessions.id = latest.session AND sessions.id = given.session AND sessions.student = latest.student AND sessions.student = given.student', {'minutes_1': 60, 'nullif_1': ''}),
        ],
        'schema_version': [
            ('SELECT fbcli_meta.value \nFROM fbcli_meta \nWHERE fbcli_meta.key = %(key_1)s::VARCHAR', {'key_1': 'schema_version'}),
        ],
        'session': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions \nWHERE sessions.id = %(id)s::VARCHAR', {}),
        ],
        'session_ids': [
            ('SELECT sessions.id \nFROM sessions ORDER BY sessions.seq', {}),
        ],
        'sessions': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions ORDER BY sessions.start, sessions.id', {}),
        ],
        'sessions_of_both': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions \nWHERE sessions.tutor = %(tutor)s::VARCHAR AND sessions.student = %(student)s::VARCHAR ORDER BY sessions.start, sessions.id', {}),
        ],
        'sessions_of_student': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions \nWHERE sessions.student = %(student)s::VARCHAR ORDER BY sessions.start, sessions.id', {}),
        ],
        'sessions_of_tutor': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions \nWHERE sessions.tutor = %(tutor)s::VARCHAR ORDER BY sessions.start, sessions.id', {}),
        ],
        'sessions_stored': [
            ('SELECT sessions.id, sessions.tutor, sessions.student, sessions.start, sessions.minutes \nFROM sessions ORDER BY sessions.seq', {}),
        ],
        'set_meta': [
            ('INSERT INTO fbcli_meta (key, value) VALUES (%(key)s::VARCHAR, %(value)s::VARCHAR) ON CONFLICT (key) DO UPDATE SET value = excluded.value', {}),
        ],
        'stats_first_of_tutor': [
            ('SELECT min(sessions.id) AS min_1 \nFROM sessions \nWHERE sessions.start >= %(first)s::BIGINT AND sessions.start < %(end)s::BIGINT AND sessions.start + sessions.minutes * %(minutes_1)s::INTEGER <= %(now)s::BIGINT AND sessions.fb_version IS NOT NULL AND sessions.tutor = %(tutor)s::VARCHAR AND sessions.start = %(start)s::BIGINT AND sessions.fb_platform = %(platform)s::VARCHAR', {'minutes_1': 60}),
        ],
        'stats_first_of_tutor_unnamed': [
            ('SELECT min(sessions.id) AS min_1 \nFROM sessions \nWHERE sessions.start >= %(first)s::BIGINT AND sessions.start < %(end)s::BIGINT AND sessions.start + sessions.minutes * %(minutes_1)s::INTEGER <= %(now)s::BIGINT AND sessions.fb_version IS NOT NULL AND sessions.tutor = %(tutor)s::VARCHAR AND sessions.start = %(start)s::BIGINT AND sessions.fb_platform IS NULL', {'minutes_1': 60}),
        ],
        'stats_gaps': [
            ('SELECT sessions.tutor, sessions.award_run AS gap, count(*) AS awards \nFROM sessions \nWHERE sessions.fb_doing_great IS NOT NULL AND sessions.fb_completed IS true AND sessions.start >= %(first)s::BIGINT AND sessions.start < %(end)s::BIGINT GROUP BY sessions.tutor, sessions.award_run', {}),
        ],
        'stats_median': [
            ('SELECT sessions.fb_delay \nFROM sessions \nWHERE sessions.tutor = %(tutor)s::VARCHAR AND sessions.fb_delay IS NOT NULL AND sessions.start >= %(first)s::BIGINT AND sessions.start < %(end)s::BIGINT AND sessions.start + sessions.minutes * %(minutes_1)s::INTEGER <= %(now)s::BIGINT ORDER BY sessions.fb_delay \n LIMIT %(count)s::INTEGER OFFSET %(skip)s::INTEGER', {'minutes_1': 60}),
        ],
        'stats_open_runs': [
            ('WITH open_runs AS MATERIALIZED \n(SELECT every_run.student AS student, every_run.run AS run, every_run.before AS before \nFROM (SELECT students.id AS student, (SELECT CASE WHEN (last.fb_doing_great IS NULL) THEN last.award_run ELSE %(param_1)s::INTEGER END AS anon_1 \nFROM sessions AS last \nWHERE last.student = students.id AND last.fb_completed IS true AND last.start < %(end)s::BIGINT ORDER BY last.start DESC, last.id DESC \n LIMIT %(param_2)s::INTEGER) AS run, (SELECT last.awards_before \nFROM sessions AS last \nWHERE last.student = students.id AND last.fb_completed IS true AND last.start < %(end)s::BIGINT ORDER BY last.start DESC, last.id DESC \n LIMIT %(param_3)s::INTEGER) AS before \nFROM students) AS every_run \nWHERE every_run.run >= %(overdue)s::INTEGER)\n SELECT sessions.tutor, open_runs.run, count(DISTINCT sessions.student) AS students \nFROM sessions JOIN open_runs ON open_runs.student = sessions.student \nWHERE sessions.fb_completed IS true AND sessions.fb_doing_great IS NULL AND sessions.awards_before = open_runs.before AND sessions.start >= %(first)s::BIGINT AND sessions.start < %(end)s::BIGINT GROUP BY sessions.tutor, open_runs.run', {'param_1': 0, 'param_2': 1, 'param_3': 1}),
        ],
        'stats_outcomes': [
            ('SELECT sessions.tutor, count(*) AS taught, coalesce(sum(CASE WHEN (sessions.fb_version IS NULL) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END), %(coalesce_1)s::INTEGER) AS pending, coalesce(sum(CASE WHEN (sessions.fb_version IS NULL AND sessions.start + %(due_after)s::BIGINT <= %(now)s::BIGINT) THEN %(param_3)s::INTEGER ELSE %(param_4)s::INTEGER END), %(coalesce_2)s::INTEGER) AS pending_overdue, coalesce(sum(CASE WHEN (sessions.fb_version IS NOT NULL) THEN %(param_5)s::INTEGER ELSE %(param_6)s::INTEGER END), %(coalesce_3)s::INTEGER) AS given, coalesce(sum(CASE WHEN (sessions.fb_first_given > sessions.start + %(due_after)s::BIGINT) THEN %(param_7)s::INTEGER ELSE %(param_8)s::INTEGER END), %(coalesce_4)s::INTEGER) AS late, coalesce(sum(CASE WHEN (sessions.fb_completed IS true) THEN %(param_9)s::INTEGER ELSE %(param_10)s::INTEGER END), %(coalesce_5)s::INTEGER) AS completed, coalesce(sum(CASE WHEN (sessions.fb_completed IS true AND sessions.fb_great_work IS true) THEN %(param_11)s::INTEGER ELSE %(param_12)s::INTEGER END), %(coalesce_6)s::INTEGER) AS great_work, coalesce(sum(CASE WHEN (sessions.fb_tech_issues IS true) THEN %(param_13)s::INTEGER ELSE %(param_14)s::INTEGER END), %(coalesce_7)s::INTEGER) AS tech_issues \nFROM sessions \nWHERE sessions.start >= %(first)s::BIGINT AND sessions.start < %(end)s::BIGINT AND sessions.start + sessions.minutes * %(minutes_1)s::INTEGER <= %(now)s::BIGINT GROUP BY sessions.tutor', {'param_1': 1, 'param_2': 0, 'coalesce_1': 0, 'param_3': 1, 'param_4': 0, 'coalesce_2': 0, 'param_5': 1, 'param_6': 0, 'coalesce_3': 0, 'param_7': 1, 'param_8': 0, 'coalesce_4': 0, 'param_9': 1, 'param_10': 0, 'coalesce_5': 0, 'param_11': 1, 'param_12': 0, 'coalesce_6': 0, 'param_13': 1, 'param_14': 0, 'coalesce_7': 0, 'minutes_1': 60}),
        ],
        'stats_platforms': [
            ('SELECT sessions.tutor, sessions.fb_platform, count(*) AS sessions, coalesce(sum(CASE WHEN (sessions.fb_tech_issues IS true) THEN %(param_1)s::INTEGER ELSE %(param_2)s::INTEGER END), %(coalesce_1)s::INTEGER) AS tech_issues, min(sessions.start) AS first_seen \nFROM sessions \nWHERE sessions.start >= %(first)s::BIGINT AND sessions.start < %(end)s::BIGINT AND sessions.start + sessions.minutes * %(minutes_1)s::INTEGER <= %(now)s::BIGINT AND sessions.fb_version IS NOT NULL GROUP BY sessions.tutor, sessions.fb_platform', {'param_1': 1, 'param_2': 0, 'coalesce_1': 0, 'minutes_1': 60}),
        ],
        'stats_reasons': [
            ('SELECT sessions.tutor, sessions.fb_reason, count(*) AS sessions \nFROM sessions \nWHERE sessions.fb_completed IS false AND sessions.start >= %(first)s::BIGINT AND sessions.start < %(end)s::BIGINT AND sessions.start + sessions.minutes * %(minutes_1)s::INTEGER <= %(now)s::BIGINT GROUP BY sessions.tutor, sessions.fb_reason', {'minutes_1': 60}),
        ],
        'student': [
            ('SELECT students.id, students.name, students.levels \nFROM students \nWHERE students.id = %(id)s::VARCHAR', {}),
        ],
        'students': [
            ('SELECT students.id, students.name, students.levels \nFROM students ORDER BY students.seq', {}),
        ],
        'students_by_session': [
            ('SELECT sessions.id, sessions.student \nFROM sessions \nWHERE sessions.id IN (SELECT anon_1.value \nFROM jsonb_array_elements_text(CAST(%(ids)s::VARCHAR AS JSONB)) AS anon_1)', {}),
        ],
        'students_of_sessions': [
            ('SELECT DISTINCT sessions.student \nFROM sessions \nWHERE sessions.id IN (SELECT anon_1.value \nFROM jsonb_array_elements_text(CAST(%(ids)s::VARCHAR AS JSONB)) AS anon_1) AND sessions.fb_version IS NOT NULL', {}),
        ],
        'tutor': [
            ('SELECT tutors.id, tutors.name, tutors.email, tutors.role \nFROM tutors \nWHERE tutors.id = %(id)s::VARCHAR', {}),
        ],
        'tutors': [
            ('SELECT tutors.id, tutors.name, tutors.email, tutors.role \nFROM tutors ORDER BY tutors.seq', {}),
        ],
        'vacuum': [
            ('VACUUM ANALYZE tutors', {}),
            ('VACUUM ANALYZE students', {}),
            ('VACUUM ANALYZE sessions', {}),
            ('VACUUM ANALYZE feedback', {}),
            ('VACUUM ANALYZE plan_changes', {}),
        ],
    },
}
