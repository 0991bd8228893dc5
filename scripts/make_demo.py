"""Generate the demo school, data/demo.json, from the goal catalog.

Every time is an offset in minutes from "now", the moment the store is created
floored to the hour. The output is deterministic: the same seed and catalog
always give the same file. The script validates what it wrote and exits 1 if
any check fails.
"""

from __future__ import annotations

import json
import random
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
GOALS_PATH = ROOT / "data" / "goals.json"
DEMO_PATH = ROOT / "data" / "demo.json"

SEED = 20261105
HOUR = 60
DAY = 24 * HOUR
SLOT = 30
PAST_DAYS = 28
FUTURE_DAYS = 3
RECENT = 4 * DAY
DEADLINE = 48 * HOUR
LATEST_FEEDBACK = 60 * HOUR
# The store's clock time is unknown here, so the timetable is laid out as if
# "now" were 17:00 on a Thursday: the end of a teaching day, when a tutor
# typically has a fresh backlog of sessions to write up.
NOW_CLOCK = 17 * HOUR
NOW_WEEKDAY = 3

PARAMETERS = ("fluency", "accuracy", "pronunciation", "comprehension")
LOWEST, HIGHEST = 1, 10
AREAS = (
    "grammar",
    "vocabulary",
    "pronunciation",
    "fluency",
    "business",
    "exams",
    "writing",
    "listening",
)
REASONS = ("student-absent", "student-tech", "server-down", "emergency")
PLATFORMS = ("zoom", "google meet", "teams", "skype")
FOCUS_MAX = 20
DOMAIN = "fluentify.com"
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# Share of each tutor's completed sessions with the badge: inside the school's
# 10-20% band, so the demo stats show a healthy rate.
GREAT_WORK_RATE = 0.14
NOT_COMPLETED_RATE = 0.06
TECH_ISSUES_RATE = 0.08
OFF_PLAN_RATE = 0.10
SKIP_RATE = 0.08
OLD_PENDING = {"maria": 3, "tom": 3, "aisha": 3, "olga": 2}
NOT_COMPLETED_MIX = {"emergency": 2, "server-down": 2, "student-tech": 3}
RANDOM_ADDS = 4
DERIVED_ADDS = 4
REMOVALS = 4
AMENDED = 3
NEW_STUDENTS = ("ST-135", "ST-136")


@dataclass(frozen=True)
class TutorSpec:
    id: str
    name: str
    role: str
    workdays: frozenset[int]
    hours: tuple[tuple[int, int], ...]

    @property
    def email(self) -> str:
        return f"{self.id}@{DOMAIN}"

    def starts(self) -> list[int]:
        return [t for a, b in self.hours for t in range(a, b - SLOT + 1, SLOT)]


TUTORS = (
    TutorSpec(
        "maria",
        "Maria Lopez",
        "tutor",
        frozenset({0, 1, 2, 3, 4}),
        ((8 * HOUR, 12 * HOUR), (15 * HOUR, 20 * HOUR)),
    ),
    TutorSpec(
        "tom",
        "Tom Bennett",
        "tutor",
        frozenset({0, 1, 3, 4, 5}),
        ((11 * HOUR, 14 * HOUR), (16 * HOUR, 21 * HOUR)),
    ),
    TutorSpec(
        "aisha",
        "Aisha Khan",
        "tutor",
        frozenset({6, 0, 1, 2, 3}),
        ((6 * HOUR, 10 * HOUR), (13 * HOUR, 17 * HOUR)),
    ),
    TutorSpec(
        "olga",
        "Olga Ivanova",
        "admin",
        frozenset({0, 1, 2, 3, 4}),
        ((9 * HOUR, 12 * HOUR), (14 * HOUR, 16 * HOUR)),
    ),
)
TEACHERS = ("maria", "tom", "aisha")

STUDENT_NAMES = (
    "Anna Kowalska",
    "Lucas Oliveira",
    "Yuki Tanaka",
    "Mehmet Yılmaz",  # noqa: RUF001
    "Sofia Rossi",
    "Javier Martínez",
    "Min-jun Park",
    "Chloé Dubois",
    "Ahmed Hassan",
    "Elena Petrova",
    "Thanh Nguyen",
    "Katarzyna Nowak",
    "Mateus Costa",
    "Aiko Suzuki",
    "Lukas Müller",
    "Fatima Zahra Benali",
    "Diego Fernández",
    "Priya Sharma",
    "Giulia Bianchi",
    "Oleksandr Shevchenko",
    "Wei Zhang",
    "Camila Rodríguez",
    "Ji-woo Kim",
    "Tomasz Wiśniewski",
    "Nour El-Sayed",
    "Isabela Santos",
    "Hiroshi Watanabe",
    "Ingrid Johansson",
    "Andrés Gómez",
    "Leila Karimi",
    "Pierre Lefèvre",
    "Ayşe Demir",
    "Nikos Papadopoulos",
    "Valentina Moreno",
    "Kofi Mensah",
    "Mariana Alves",
)

PROFILES: dict[str, tuple[tuple[str, int], ...]] = {
    "general": (
        ("grammar", 3),
        ("vocabulary", 3),
        ("fluency", 3),
        ("pronunciation", 2),
        ("listening", 2),
    ),
    "business": (
        ("business", 5),
        ("writing", 2),
        ("vocabulary", 2),
        ("fluency", 2),
        ("listening", 1),
    ),
    "exams": (
        ("exams", 5),
        ("grammar", 2),
        ("writing", 2),
        ("pronunciation", 1),
        ("listening", 1),
    ),
    "social": (
        ("fluency", 4),
        ("pronunciation", 3),
        ("listening", 3),
        ("vocabulary", 3),
        ("grammar", 1),
    ),
}

# What a tutor would type in the focus box, and the language typically seen.
GOAL_NOTES: dict[str, tuple[str, str]] = {
    "present-perfect-continuous": (
        "Pres Perfect Cont",
        "'I've been working here since May', "
        "'How long have you been learning English?'",
    ),
    "present-perfect-vs-past-simple": (
        "PresPerf vs PastSimp",
        "'I've lived in Lyon for two years' vs 'I lived in Rome in 2019', "
        "'Have you ever been to...?'",
    ),
    "narrative-tenses": (
        "Narrative tenses",
        "'I was walking home when it started to rain', "
        "'By the time we arrived, the film had started'",
    ),
    "first-second-conditionals": (
        "1st/2nd conditional",
        "'If it rains, we'll stay in', 'If I had more time, I'd learn the piano'",
    ),
    "third-conditional": (
        "3rd conditional",
        "'If I had left earlier, I wouldn't have missed the train', "
        "'She would have called if she'd known'",
    ),
    "mixed-conditionals": (
        "Mixed conditionals",
        "'If I had taken that job, I would be living in Berlin now', "
        "'If she weren't so shy, she would have spoken up'",
    ),
    "reported-speech": (
        "Reported speech",
        "'She said she was tired', 'He asked me where I lived', "
        "'They told us not to worry'",
    ),
    "passive-voice": (
        "Passive voice",
        "'The report was sent yesterday', 'The office is being renovated', "
        "'It has been decided that...'",
    ),
    "relative-clauses": (
        "Relative clauses",
        "'the colleague who helped me', "
        "'My flat, which is near the station, is quite small', 'the reason why'",
    ),
    "modals-of-deduction": (
        "Modals deduction",
        "'She must be at home', 'It can't be true', 'They might have missed the bus'",
    ),
    "articles": (
        "Articles",
        "'I'm a teacher', 'the sun', 'Life is short', 'She plays the piano'",
    ),
    "gerunds-and-infinitives": (
        "Gerund vs infinitive",
        "'I enjoy cooking', 'I decided to leave', "
        "'I stopped smoking' vs 'I stopped to smoke'",
    ),
    "future-forms": (
        "Future forms",
        "'I'm meeting Ana tomorrow', 'I'm going to apply', 'I think it will rain'",
    ),
    "used-to-and-would": (
        "Used to / would",
        "'I used to live in Porto', 'We would spend every summer by the sea', "
        "'Did you use to...?'",
    ),
    "question-forms": (
        "Question forms",
        "'Could you tell me where the station is?', "
        "'Do you know what time it starts?', 'What do you do?'",
    ),
    "phrasal-verbs-travel": (
        "Phrasal vbs travel",
        "'check in', 'set off', 'get on the train', 'pick someone up'",
    ),
    "phrasal-verbs-work": (
        "Phrasal vbs work",
        "'carry out', 'follow up on', 'put off a meeting', 'bring something up'",
    ),
    "collocations-make-do": (
        "Make vs do",
        "'make a decision', 'do research', 'make a mistake', 'do someone a favour'",
    ),
    "everyday-idioms": (
        "Everyday idioms",
        "'a piece of cake', 'under the weather', 'call it a day', 'on the same page'",
    ),
    "health-and-symptoms": (
        "Health vocab",
        "'a sore throat', 'I feel dizzy', 'to make an appointment', 'a prescription'",
    ),
    "renting-and-housing": (
        "Housing vocab",
        "'landlord', 'deposit', 'the rent is due', 'a two-bedroom flat', "
        "'bills included'",
    ),
    "feelings-and-emotions": (
        "Feelings vocab",
        "'relieved', 'frustrated', 'overwhelmed', 'I was thrilled to hear that'",
    ),
    "food-and-cooking": (
        "Food & cooking",
        "'chop', 'simmer', 'it's a bit bland', 'a pinch of salt'",
    ),
    "cafe-small-talk": (
        "Café small talk",
        "'Could I get a flat white, please?', 'Is this seat taken?', "
        "'To have here or to go?'",
    ),
    "false-friends": (
        "False friends",
        "'actually' vs 'currently', 'sensible' vs 'sensitive', 'library' vs 'bookshop'",
    ),
    "word-formation": (
        "Word formation",
        "'unreliable', 'disagreement', 'careless', 'to strengthen'",
    ),
    "technology-vocabulary": (
        "Tech vocab",
        "'to charge', 'the battery died', 'to update', 'to back up files'",
    ),
    "money-and-finance": (
        "Money vocab",
        "'to save up', 'a loan', 'to be broke', 'to split the bill'",
    ),
    "borrowed-words": (
        "Borrowed words",
        "'déjà vu', 'naïve', 'façade', 'rendezvous'",
    ),
    "word-stress": (
        "Word stress",
        "'PHOtograph', 'phoTOgraphy', 'photoGRAphic', 'deVELopment'",
    ),
    "th-sounds": (
        "TH sounds",
        "'think', 'three', 'this', 'weather', 'clothes'",
    ),
    "short-and-long-vowels": (
        "Short/long vowels",
        "'ship' and 'sheep', 'full' and 'fool', 'live' and 'leave'",
    ),
    "ed-endings": (
        "-ed endings",
        "'worked' with /t/, 'played' with /d/, 'wanted' with /ɪd/",  # noqa: RUF001
    ),
    "connected-speech": (
        "Connected speech",
        "'turn it off' linked, 'wanna', 'gonna', 'did you' as 'didja'",
    ),
    "sentence-stress": (
        "Sentence stress",
        "'I NEVER said she STOLE it', content words vs function words",
    ),
    "question-intonation": (
        "Question intonation",
        "rising 'Are you ready?', falling 'Where do you live?'",
    ),
    "weak-forms": (
        "Weak forms",
        "'to', 'for', 'can' and 'was' in fast speech: 'I was /wəz/ there'",
    ),
    "consonant-clusters": (
        "Consonant clusters",
        "'months', 'texts', 'strengths', 'asked'",
    ),
    "r-and-l": (
        "R and L",
        "'right' and 'light', 'collect' and 'correct', 'fly' and 'fry'",
    ),
    "schwa": (
        "Schwa",
        "'banana', 'doctor', 'about', 'photograph'",
    ),
    "v-and-w": (
        "V and W",
        "'vest' and 'west', 'very well', 'wine' and 'vine'",
    ),
    "small-talk-strangers": (
        "Small talk",
        "'Lovely day, isn't it?', 'Have you been here before?', "
        "'How do you know the host?'",
    ),
    "telling-stories": (
        "Storytelling",
        "'So, there I was...', 'Anyway, long story short...', "
        "'And then, out of nowhere...'",
    ),
    "giving-opinions": (
        "Giving opinions",
        "'In my view...', 'The way I see it...', 'That's why I think...'",
    ),
    "agreeing-disagreeing": (
        "Agree / disagree",
        "'I see your point, but...', 'I couldn't agree more', "
        "'I'm not so sure about that'",
    ),
    "describing-pictures": (
        "Describing pictures",
        "'In the foreground...', 'It looks like...', 'She seems to be...'",
    ),
    "buying-time": (
        "Buying time",
        "'That's a good question', 'Let me think for a second', 'How can I put it...'",
    ),
    "current-affairs-debate": (
        "Current affairs",
        "'On the one hand...', 'There's a growing concern that...', "
        "'It's been in the news that...'",
    ),
    "describing-people": (
        "Describing people",
        "'easy-going', 'stubborn', 'she takes after her mum', 'he comes across as shy'",
    ),
    "hobbies-free-time": (
        "Hobbies",
        "'I'm really into climbing', 'I took up yoga last year', 'in my spare time'",
    ),
    "phone-conversations": (
        "Phone calls",
        "'Could I speak to...?', 'I'll put you through', 'Sorry, you're breaking up'",
    ),
    "airport-and-hotel": (
        "Airport & hotel",
        "'I'd like to check in', 'Is breakfast included?', "
        "'My flight has been delayed'",
    ),
    "speculating-future": (
        "Speculating",
        "'I reckon...', 'Chances are...', 'It's bound to...', 'In ten years' time...'",
    ),
    "negotiating-price": (
        "Negotiating price",
        "'That's a bit over our budget', 'Would you consider...?', "
        "'If you can..., we could...'",
    ),
    "job-interview": (
        "Job interview",
        "'My main strength is...', 'In my previous role, I...', "
        "'I'm looking for a new challenge'",
    ),
    "running-meetings": (
        "Running meetings",
        "'Let's get started', 'Shall we move on to the next item?', 'To sum up...'",
    ),
    "presentation-openings": (
        "Presentation open",
        "'Today I'd like to talk about...', "
        "'I've divided my talk into three parts', 'Thank you for listening'",
    ),
    "presenting-figures": (
        "Charts & figures",
        "'rose sharply', 'levelled off', 'a slight decrease', 'peaked at 20%'",
    ),
    "customer-complaints": (
        "Complaints",
        "'I'm sorry to hear that', 'Let me look into it', "
        "'We'll make sure it doesn't happen again'",
    ),
    "networking-events": (
        "Networking",
        "'What line of work are you in?', 'Let's keep in touch', 'Here's my card'",
    ),
    "video-call-etiquette": (
        "Video calls",
        "'You're on mute', 'Can everyone see my screen?', "
        "'Sorry, you froze for a second'",
    ),
    "feedback-to-colleagues": (
        "Feedback to team",
        "'One thing that worked really well...', 'Have you thought about...?', "
        "'Going forward...'",
    ),
    "describing-your-job": (
        "Describing my job",
        "'I'm in charge of...', 'I report to...', 'My role involves...'",
    ),
    "small-talk-clients": (
        "Client small talk",
        "'How was your trip?', 'Did you find us easily?', 'How's business?'",
    ),
    "pitching-an-idea": (
        "Pitching",
        "'What if we...?', 'The key benefit is...', 'This would save us...'",
    ),
    "resume-walkthrough": (
        "Résumé walkthrough",
        "'I graduated in...', 'I then moved to...', 'I was responsible for...'",
    ),
    "ielts-speaking-1": (
        "IELTS Speaking P1",
        "'What I like most about my hometown is...', extending short answers "
        "with a reason and an example",
    ),
    "ielts-speaking-2": (
        "IELTS Speaking P2",
        "cue card 'Describe a place you visited', one minute of notes, "
        "'The thing that struck me was...'",
    ),
    "ielts-speaking-3": (
        "IELTS Speaking P3",
        "'It depends on...', 'Generally speaking...', comparing past and present",
    ),
    "ielts-writing-task-1": (
        "IELTS Task 1",
        "'The graph illustrates...', 'a twofold increase', 'accounted for'",
    ),
    "ielts-writing-task-2": (
        "IELTS Task 2",
        "'It is often argued that...', 'Admittedly...', 'In conclusion...'",
    ),
    "ielts-listening-maps": (
        "IELTS maps",
        "'opposite', 'adjacent to', 'at the far end', 'bear left'",
    ),
    "ielts-reading-skimming": (
        "Skim & scan",
        "reading for the main idea, finding names and dates quickly, "
        "True / False / Not given",
    ),
    "toefl-integrated-speaking": (
        "TOEFL speaking",
        "'The reading states that...', 'The professor disagrees...', "
        "'According to the lecture...'",
    ),
    "cambridge-b2-speaking": (
        "B2 First speaking",
        "'Both pictures show...', 'Shall we start with...?', 'What about you?'",
    ),
    "cambridge-c1-use-of-english": (
        "C1 Use of English",
        "key word transformations, 'No sooner had...', 'despite the fact that...'",
    ),
    "toeic-listening": (
        "TOEIC listening",
        "photo descriptions, question-response, predicting answers from the options",
    ),
    "pte-read-aloud": (
        "PTE read aloud",
        "chunking long sentences, pausing at commas, stressing key words",
    ),
    "formal-emails": (
        "Formal emails",
        "'I am writing to enquire about...', 'I would be grateful if...', "
        "'Kind regards'",
    ),
    "informal-emails": (
        "Informal emails",
        "'Hi Sam, great to hear from you!', 'Guess what?', 'Speak soon'",
    ),
    "cover-letter": (
        "Cover letter",
        "'I am writing to apply for...', 'I believe my experience in...', "
        "'I look forward to hearing from you'",
    ),
    "linking-words": (
        "Linking words",
        "'however', 'moreover', 'as a result', 'whereas'",
    ),
    "paragraph-structure": (
        "Paragraphs",
        "a clear topic sentence, supporting details, a concluding sentence",
    ),
    "punctuation-commas": (
        "Punctuation",
        "commas after introductory phrases, no comma splices, 'it's' vs 'its'",
    ),
    "short-reports": (
        "Short reports",
        "'The aim of this report is...', 'It was found that...', "
        "'It is recommended that...'",
    ),
    "reviews": (
        "Film/book review",
        "'gripping', 'the plot twists', 'I'd highly recommend it'",
    ),
    "summarising": (
        "Summarising",
        "'The article argues that...', 'The main point is...', paraphrasing key ideas",
    ),
    "complaint-letter": (
        "Complaint letter",
        "'I am writing to complain about...', 'I was disappointed to find...', "
        "'I would appreciate a refund'",
    ),
    "linkedin-summary": (
        "LinkedIn summary",
        "'Experienced project manager with...', 'passionate about', "
        "'open to new opportunities'",
    ),
    "avoiding-cliches": (
        "Avoiding clichés",
        "replacing 'at the end of the day', 'in today's society' and "
        "'think outside the box'",
    ),
    "podcasts": (
        "Podcasts",
        "a short podcast episode about sleep: 'to nod off', 'a power nap'",
    ),
    "different-accents": (
        "Accents",
        "Scottish, Australian and Indian speakers: 'wee', 'arvo', 'prepone'",
    ),
    "following-the-news": (
        "News listening",
        "headlines on the economy: 'inflation', 'interest rates', 'a rise in'",
    ),
    "listening-for-gist": (
        "Listening for gist",
        "short dialogues, the speaker's main purpose and attitude",
    ),
    "listening-for-detail": (
        "Specific info",
        "station announcements: platform numbers, times and delays",
    ),
    "numbers-dates-prices": (
        "Numbers & dates",
        "'fifteen' vs 'fifty', 'the third of May', '£12.99'",
    ),
    "films-without-subtitles": (
        "Films no subtitles",
        "a scene from a sitcom: 'No way!', 'I'm done', 'What's up with you?'",
    ),
    "fast-natural-speech": (
        "Fast speech",
        "'whaddya want?', 'lemme see', 'I dunno'",
    ),
    "voicemail-messages": (
        "Voicemails",
        "'Hi, it's Jo, just calling about...', 'Give me a ring back'",
    ),
    "lecture-notes": (
        "Lecture notes",
        "signposting such as 'firstly', 'moving on to', 'the key point here'; "
        "note-taking symbols",
    ),
    "workplace-meetings": (
        "Meetings listening",
        "'Let's circle back', 'action points', 'Can we take this offline?'",
    ),
    "song-lyrics": (
        "Song lyrics",
        "gap-fill with a pop song: 'gonna', 'ain't', rhymes and contractions",
    ),
}

CORRECTIONS = (
    "'since' vs 'for'",
    "'I agree' (not 'I am agree')",
    "'depend on' (not 'depend of')",
    "'explain something to someone'",
    "'look forward to + -ing'",
    "'advice' and 'information' as uncountable nouns",
    "the third-person -s in the present simple",
    "word order in questions",
    "'say' vs 'tell'",
    "prepositions of time: in, on, at",
    "'lend' vs 'borrow'",
    "'bored' vs 'boring'",
    "'married to' (not 'married with')",
    "'discuss something' (no 'about')",
    "'take a photo' (not 'make a photo')",
    "'I'm 30' (not 'I have 30 years')",
    "'listen to music'",
    "'fun' vs 'funny'",
)

TOPICS = (
    "your job",
    "your last holiday",
    "your plans for the weekend",
    "your hometown",
    "a film you saw recently",
    "your favourite restaurant",
    "your team at work",
    "the book you're reading",
    "your morning routine",
    "a city you'd like to visit",
    "a challenge you faced this year",
    "your family",
)

LANGUAGE_TEMPLATES = (
    "{Head}: {examples}.",
    "We worked on {head}: {examples}. Corrected: {correction}.",
    "{examples}. We also reviewed {correction}.",
    "Target language for {head}: {examples}. Watch out for {correction}.",
)

LANGUAGE_EXTRAS: dict[str, tuple[str, ...]] = {
    "grammar": ("{Head}, with examples from your own life: {examples}.",),
    "vocabulary": ("New words while talking about {topic}: {examples}.",),
    "pronunciation": ("Drilled {head}: {examples}. Then read a short text aloud.",),
    "fluency": ("Practised {head} in a role play about {topic}: {examples}.",),
    "business": ("Role play for {head}, based on your own work: {examples}.",),
    "exams": ("Exam practice, {head}: {examples}.",),
    "writing": ("Went through your text for {head}: {examples}.",),
    "listening": ("Listening for {head}, then discussion: {examples}.",),
}

FOLLOW_UPS: dict[str, tuple[str, ...]] = {
    "grammar": (
        "Write five sentences about {topic} practising {head}; we'll check "
        "them at the start of the next session.",
        "Next session: a quick review of {head}, then freer speaking practice "
        "about {topic}.",
        "Homework: the worksheet on {head}. Next time we'll use it in conversation.",
        "Note down any sentences with {head} you hear this week and bring two "
        "to our next session.",
    ),
    "vocabulary": (
        "Make flashcards for today's words ({head}) and use at least five of "
        "them next session.",
        "Next session: review the words from {head}, then talk about {topic}.",
        "Write a short paragraph about {topic} with the new words from {head}.",
        "Try three expressions from {head} in real life this week and tell me "
        "how it went.",
    ),
    "pronunciation": (
        "Record yourself reading the practice sentences ({head}) and send me "
        "the audio before our next session.",
        "Five minutes a day with the minimal pairs list for {head}; we'll "
        "check them next time.",
        "Next session: more work on {head}, this time in longer answers about {topic}.",
        "Shadow the audio clip we used for {head} two or three times a day.",
    ),
    "fluency": (
        "Prepare a two-minute talk about {topic}; next session we continue "
        "with {head}.",
        "Next session: a role play about {topic}, to keep working on {head}.",
        "Think of two stories about {topic} so we can keep working on {head}.",
        "Record a one-minute voice message about {topic} and listen back for "
        "hesitations; we keep working on {head} next time.",
    ),
    "business": (
        "Bring a real situation from your work and we'll role-play it next "
        "session ({head}).",
        "Next session: {head} again, with a tougher scenario.",
        "Write down the phrases for {head} you could use at work this week "
        "and try two of them.",
        "Prepare your own version of today's dialogue ({head}) so we can "
        "polish it together next session.",
    ),
    "exams": (
        "Do one timed practice task for {head} and we'll go through it next session.",
        "Next session: a full mock of {head} with feedback against the band "
        "descriptors.",
        "Review the model answer for {head} and note three useful phrases.",
        "Practise {head} with the questions from the book, timing yourself.",
    ),
    "writing": (
        "Write a first draft (150-200 words) and send it to me before the "
        "next session; we keep working on {head}.",
        "Rewrite your text using today's corrections; next session we compare "
        "both versions ({head}).",
        "Next session: we correct your draft together, focusing on {head}.",
        "Read the model text for {head} and underline the useful expressions.",
    ),
    "listening": (
        "Listen to one more episode for {head} and note five new expressions.",
        "Next session: another listening for {head}, a bit faster this time.",
        "Listen to something about {topic} in English and tell me about it "
        "next time; more practice with {head}.",
        "Listen twice ({head}): first without the transcript, then with it, "
        "and note what you missed.",
    ),
}

COMMENTS = (
    "Great energy today!",
    "You're much more confident than a month ago, well done.",
    "Remember to send me your homework before our next session.",
    "A bit tired after work today, but you stayed focused.",
    "Very good questions today.",
    "Your accuracy is improving, keep it up.",
    "Try to speak a little more slowly; it will help your pronunciation.",
    "Lovely to hear about your new job!",
    "Good luck with your presentation on Friday!",
    "Don't worry about mistakes, you're communicating really well.",
    "Thanks for preparing so well.",
    "You self-corrected several times today, which is a great sign.",
)

TECH_NOTES = (
    "Audio dropped twice; we reconnected and finished the session.",
    "The student's camera froze for a few minutes, we continued with audio only.",
    "Lost about 5 minutes to a connection problem at the start.",
    "Echo on the student's side until they switched to headphones.",
    "The call disconnected once; we rejoined quickly.",
    "Screen sharing didn't work, sent the materials in the chat instead.",
    "My internet was unstable for a few minutes.",
    "Bad audio quality for the first 10 minutes.",
)

NOT_COMPLETED_NOTES: dict[str, tuple[str, ...]] = {
    "student-absent": (
        "Waited the full 30 minutes; the student did not show up.",
        "Sent chat messages at 5 and 15 minutes, no reply.",
        "Student didn't join and didn't answer the chat.",
        "No-show. Stayed in the room for the whole session.",
    ),
    "student-tech": (
        "The student's microphone didn't work, we couldn't talk at all.",
        "The student could not join the call; their app kept crashing.",
        "The student's connection was too poor to hold a conversation.",
    ),
    "server-down": (
        "The platform was down; I couldn't connect at all.",
        "Platform outage, the session room wouldn't load.",
    ),
    "emergency": (
        "Family emergency; contacted support and messaged the student.",
        "Power cut in my area; wrote to support and to the student by chat.",
    ),
}

AMEND_NOTES = (
    "Added the link to the worksheet we used.",
    "Corrected the page number for the homework: page 42.",
    "Added the audio file I mentioned in the session.",
    "Updated the homework after the student's message.",
)


@dataclass
class StudentSpec:
    id: str
    name: str
    levels: dict[str, int]
    profile: str = "general"
    primary: str = "maria"
    secondary: str | None = None
    cover_rate: float = 0.0
    per_week: int = 2
    preferred: int = 10 * HOUR
    platform: str = "zoom"


@dataclass
class Session:
    id: str
    tutor: str
    student: str
    start: int
    minutes: int = SLOT

    @property
    def end(self) -> int:
        return self.start + self.minutes


@dataclass(frozen=True)
class PlanEvent:
    student: str
    goal: str
    action: str
    offset: int
    by: str


@dataclass
class Draft:
    session: str
    tutor: str
    given: int
    completed: bool
    version: int = 1
    reason: str | None = None
    student_missed: bool | None = None
    tech_issues: bool = False
    note: str = ""
    platform: str | None = None
    evaluation: dict[str, int] = field(default_factory=dict)
    great_work: bool = False
    goal: str | None = None
    doing_great: str | None = None
    focus: str = ""
    language_seen: str = ""
    follow_up: str = ""
    comments: str = ""

    def record(self) -> dict[str, Any]:
        return {
            "session": self.session,
            "version": self.version,
            "tutor": self.tutor,
            "given_offset_minutes": self.given,
            "completed": self.completed,
            "reason": self.reason,
            "student_missed": self.student_missed,
            "tech_issues": self.tech_issues,
            "note": self.note,
            "platform": self.platform,
            "evaluation": dict(self.evaluation),
            "great_work": self.great_work,
            "goal": self.goal,
            "doing_great": self.doing_great,
            "focus": self.focus,
            "language_seen": self.language_seen,
            "follow_up": self.follow_up,
            "comments": self.comments,
        }


@dataclass(frozen=True)
class Goal:
    id: str
    title: str
    area: str


def load_goals(path: Path) -> list[Goal]:
    raw: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return [Goal(g["id"], g["title"], g["area"]) for g in raw["goals"]]


def inline(title: str) -> str:
    """The goal's title as it reads inside a sentence."""
    head = title.split(":")[0]
    first = head.split(" ")[0]
    if any(c.isupper() for c in first[1:]) or first in {"Cambridge", "TOEFL"}:
        return head
    return head[0].lower() + head[1:]


def capitalised(text: str) -> str:
    return text[0].upper() + text[1:] if text else text


def clamp(value: int) -> int:
    return max(LOWEST, min(HIGHEST, value))


def overlaps(busy: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(start < b and a < end for a, b in busy)


def in_window(start: int, minutes: int) -> bool:
    # Nothing in progress at "now" and nothing starting in the next hour: the
    # store's real creation time lies anywhere in that hour.
    if -minutes < start < HOUR:
        return False
    return -PAST_DAYS * DAY <= start < FUTURE_DAYS * DAY


class Builder:
    def __init__(self, goals: list[Goal]) -> None:
        self.rng = random.Random(SEED)
        self.goals = goals
        self.goal_by_id = {g.id: g for g in goals}
        self.by_area: dict[str, list[Goal]] = defaultdict(list)
        for goal in goals:
            self.by_area[goal.area].append(goal)
        self.tutors = {t.id: t for t in TUTORS}
        self.students: list[StudentSpec] = []
        self.sessions: list[Session] = []
        self.busy_tutor: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.busy_student: dict[str, list[tuple[int, int]]] = defaultdict(list)
        self.events: list[PlanEvent] = []
        self.drafts: list[Draft] = []

    def make_students(self) -> None:
        rng = self.rng
        regular = len(STUDENT_NAMES) - len(NEW_STUDENTS)
        primaries = [TEACHERS[i % len(TEACHERS)] for i in range(regular)]
        rng.shuffle(primaries)
        profiles = list(PROFILES)
        # Most students use Zoom; a few have a platform of their own.
        platforms = ["google meet"] * 3 + ["teams"] * 3 + ["skype"] * 2
        platforms += ["zoom"] * (regular - len(platforms))
        rng.shuffle(platforms)
        weekly = [1] * 4 + [3] * 16
        weekly += [2] * (regular - len(weekly))
        rng.shuffle(weekly)
        for index, name in enumerate(STUDENT_NAMES):
            sid = f"ST-{101 + index}"
            base = rng.randint(3, 7)
            levels = {p: max(3, min(7, base + rng.randint(-1, 1))) for p in PARAMETERS}
            spec = StudentSpec(sid, name, levels)
            spec.profile = rng.choice(profiles)
            spec.platform = platforms[index] if index < len(platforms) else "zoom"
            if sid in NEW_STUDENTS:
                spec.primary = "maria"
                spec.platform = "zoom"
            else:
                spec.primary = primaries[index]
                spec.per_week = weekly[index]
                spec.preferred = rng.choice(self.tutors[spec.primary].starts())
                if rng.random() < 0.6:
                    others = [t for t in TEACHERS if t != spec.primary]
                    if rng.random() < 0.3:
                        spec.secondary = "olga"
                        spec.cover_rate = 0.2
                    else:
                        spec.secondary = rng.choice(others)
                        spec.cover_rate = rng.choice((0.15, 0.25, 0.35))
            self.students.append(spec)

    def book(self, tutor: str, student: str, start: int, minutes: int) -> bool:
        end = start + minutes
        if not in_window(start, minutes):
            return False
        if overlaps(self.busy_tutor[tutor], start, end):
            return False
        if overlaps(self.busy_student[student], start, end):
            return False
        self.busy_tutor[tutor].append((start, end))
        self.busy_student[student].append((start, end))
        self.sessions.append(Session("", tutor, student, start, minutes))
        return True

    def nearest_free(
        self, tutor: str, student: str, day: int, around: int, latest_end: int
    ) -> int | None:
        spec = self.tutors[tutor]
        if (NOW_WEEKDAY + day) % 7 not in spec.workdays:
            return None
        for clock in sorted(spec.starts(), key=lambda c: (abs(c - around), c)):
            start = day * DAY + clock - NOW_CLOCK
            end = start + SLOT
            if end > latest_end or not in_window(start, SLOT):
                continue
            if overlaps(self.busy_tutor[tutor], start, end):
                continue
            if overlaps(self.busy_student[student], start, end):
                continue
            return start
        return None

    def make_timetable(self) -> None:
        rng = self.rng
        taken: dict[str, set[tuple[int, int]]] = defaultdict(set)
        standing: list[tuple[StudentSpec, int, int]] = []
        for spec in self.students:
            if spec.id in NEW_STUDENTS:
                continue
            tutor = self.tutors[spec.primary]
            weekdays = sorted(rng.sample(sorted(tutor.workdays), spec.per_week))
            for weekday in weekdays:
                options = [
                    c for c in tutor.starts() if (weekday, c) not in taken[tutor.id]
                ]
                clock = min(options, key=lambda c: (abs(c - spec.preferred), c))
                taken[tutor.id].add((weekday, clock))
                standing.append((spec, weekday, clock))

        for day in range(-PAST_DAYS - 1, FUTURE_DAYS + 1):
            weekday = (NOW_WEEKDAY + day) % 7
            covered: list[tuple[StudentSpec, int]] = []
            for spec, slot_day, clock in standing:
                if slot_day != weekday or rng.random() < SKIP_RATE:
                    continue
                if spec.secondary and rng.random() < spec.cover_rate:
                    covered.append((spec, clock))
                    continue
                self.book(spec.primary, spec.id, day * DAY + clock - NOW_CLOCK, SLOT)
            # Regular slots are booked first so a cover lesson never takes one.
            for spec, clock in covered:
                assert spec.secondary is not None
                start = self.nearest_free(
                    spec.secondary, spec.id, day, clock, FUTURE_DAYS * DAY
                )
                if start is not None:
                    self.book(spec.secondary, spec.id, start, SLOT)
                else:
                    self.book(
                        spec.primary, spec.id, day * DAY + clock - NOW_CLOCK, SLOT
                    )

        for session in self.sessions:
            if rng.random() >= 0.05:
                continue
            longer = rng.choice((45, 60))
            end = session.start + longer
            own = (session.start, session.end)
            others_t = [b for b in self.busy_tutor[session.tutor] if b != own]
            others_s = [b for b in self.busy_student[session.student] if b != own]
            if not in_window(session.start, longer):
                continue
            if overlaps(others_t, session.start, end):
                continue
            if overlaps(others_s, session.start, end):
                continue
            self.busy_tutor[session.tutor] = [*others_t, (session.start, end)]
            self.busy_student[session.student] = [*others_s, (session.start, end)]
            session.minutes = longer

        # Two new students, each with a first lesson still waiting for feedback:
        # one already past the deadline, one from this afternoon.
        for sid, day, around in (("ST-135", -2, 11 * HOUR), ("ST-136", 0, 15 * HOUR)):
            start = self.nearest_free("maria", sid, day, around, 0)
            if start is None:
                raise RuntimeError(f"no free slot for {sid}")
            self.book("maria", sid, start, SLOT)

        self.sessions.sort(key=lambda s: (s.start, s.tutor))
        for number, session in enumerate(self.sessions, start=1001):
            session.id = f"S-{number}"

    def choose_pending(self) -> set[str]:
        rng = self.rng
        pending: set[str] = set()
        ended = [s for s in self.sessions if s.end <= 0]
        for tutor in self.tutors:
            mine = [
                s for s in ended if s.tutor == tutor and s.student not in NEW_STUDENTS
            ]
            old = [s for s in mine if s.start < -RECENT]
            pending.update(
                s.id for s in rng.sample(old, min(OLD_PENDING[tutor], len(old)))
            )
            recent = [s for s in mine if s.start >= -RECENT]
            last_day = [s for s in recent if s.end > -DAY]
            in_deadline = [s for s in recent if s.end <= -DAY and s.start > -DEADLINE]
            overdue = [s for s in recent if s.start <= -DEADLINE]
            if tutor == "maria":
                # Fixed counts, so maria's list always shows both fresh and
                # overdue sessions, and stays short enough to work through.
                for bucket, count in ((last_day, 2), (in_deadline, 2), (overdue, 1)):
                    picked = rng.sample(bucket, min(count, len(bucket)))
                    pending.update(s.id for s in picked)
                continue
            for bucket, rate in ((last_day, 0.65), (in_deadline, 0.5), (overdue, 0.35)):
                picked = rng.sample(bucket, round(rate * len(bucket)))
                pending.update(s.id for s in picked)
        pending.update(s.id for s in ended if s.student in NEW_STUDENTS)
        return pending

    def feedback_delay(self, session: Session) -> int:
        rng = self.rng
        roll = rng.random()
        if roll < 0.55:
            delay = session.minutes + rng.randint(2, 90)
        elif roll < 0.8:
            delay = rng.randint(3 * HOUR, 14 * HOUR)
        elif roll < 0.97:
            delay = rng.randint(14 * HOUR, 40 * HOUR)
        else:
            delay = rng.randint(DEADLINE + 10, LATEST_FEEDBACK)
        latest = min(LATEST_FEEDBACK, -session.start)
        if delay > latest:
            delay = rng.randint(session.minutes + 2, max(session.minutes + 2, latest))
            delay = min(delay, latest)
        return delay

    def plan_at(self, student: str, moment: int) -> list[str]:
        active: list[str] = []
        for event in sorted(self.events, key=lambda e: e.offset):
            if event.student != student or event.offset > moment:
                continue
            if event.action == "add":
                active.append(event.goal)
            elif event.goal in active:
                active.remove(event.goal)
        return active

    def pick_goal(self, profile: str, exclude: set[str]) -> str:
        areas, weights = zip(*PROFILES[profile], strict=True)
        for _ in range(100):
            area = self.rng.choices(areas, weights=weights)[0]
            options = [g.id for g in self.by_area[area] if g.id not in exclude]
            if options:
                return self.rng.choice(options)
        raise RuntimeError("no goal left to pick")

    def make_initial_plans(self) -> None:
        rng = self.rng
        for spec in self.students:
            if spec.id in NEW_STUDENTS:
                continue
            first = min(
                (s for s in self.sessions if s.student == spec.id),
                key=lambda s: s.start,
            )
            when = first.start - rng.randint(2 * HOUR, 5 * DAY)
            top_area = PROFILES[spec.profile][0][0]
            chosen = [rng.choice(self.by_area[top_area]).id]
            while len(chosen) < rng.choice((2, 3, 3, 4)):
                chosen.append(self.pick_goal(spec.profile, set(chosen)))
            for step, goal in enumerate(chosen):
                self.events.append(
                    PlanEvent(spec.id, goal, "add", when + step, first.tutor)
                )

    def make_later_changes(self, given: dict[str, int], completed: set[str]) -> None:
        rng = self.rng
        candidates = [
            spec
            for spec in self.students
            if sum(
                1 for s in self.sessions if s.student == spec.id and s.id in completed
            )
            >= 5
        ]
        adders = rng.sample(candidates, RANDOM_ADDS)
        removers = rng.sample([c for c in candidates if c not in adders], REMOVALS)
        for spec in [*adders, *removers]:
            done = sorted(
                (
                    s
                    for s in self.sessions
                    if s.student == spec.id and s.id in completed
                ),
                key=lambda s: s.start,
            )
            anchor = rng.choice(done[1:-2])
            when = given[anchor.id] + rng.randint(1, 5)
            active = self.plan_at(spec.id, when)
            if spec in adders:
                goal = self.pick_goal(spec.profile, set(active))
                self.events.append(PlanEvent(spec.id, goal, "add", when, anchor.tutor))
            elif len(active) >= 3:
                goal = rng.choice(active)
                self.events.append(
                    PlanEvent(spec.id, goal, "remove", when, anchor.tutor)
                )
            else:
                # A plan never shrinks below two goals: replace one instead.
                goal = self.pick_goal(spec.profile, set(active))
                self.events.append(PlanEvent(spec.id, goal, "add", when, anchor.tutor))
                dropped = rng.choice(active)
                self.events.append(
                    PlanEvent(spec.id, dropped, "remove", when + 1, anchor.tutor)
                )

    def focus_for(self, goal: Goal) -> str:
        base = GOAL_NOTES.get(goal.id, (goal.title[:FOCUS_MAX].rstrip(), ""))[0]
        if self.rng.random() < 0.2:
            variant = f"{base} {self.rng.choice(('review', 'practice', 'recap'))}"
            if len(variant) <= FOCUS_MAX:
                return variant
        return base

    def language_for(self, goal: Goal) -> str:
        examples = GOAL_NOTES.get(goal.id, ("", "examples from the coursebook"))[1]
        template = self.rng.choice(LANGUAGE_TEMPLATES + LANGUAGE_EXTRAS[goal.area])
        text = template.format(
            head=inline(goal.title),
            Head=capitalised(inline(goal.title)),
            examples=examples,
            correction=self.rng.choice(CORRECTIONS),
            topic=self.rng.choice(TOPICS),
        )
        return capitalised(text)

    def follow_up_for(self, goal: Goal) -> str:
        template = self.rng.choice(FOLLOW_UPS[goal.area])
        text = template.format(head=inline(goal.title), topic=self.rng.choice(TOPICS))
        return capitalised(text)

    def make_feedback(self) -> None:
        rng = self.rng
        pending = self.choose_pending()
        with_feedback = [s for s in self.sessions if s.end <= 0 and s.id not in pending]
        given = {s.id: s.start + self.feedback_delay(s) for s in with_feedback}

        not_completed: dict[str, str] = {}
        total = round(NOT_COMPLETED_RATE * len(with_feedback))
        reasons = [r for r, n in NOT_COMPLETED_MIX.items() for _ in range(n)]
        reasons += ["student-absent"] * (total - len(reasons))
        for session, reason in zip(
            rng.sample(with_feedback, total), reasons, strict=True
        ):
            not_completed[session.id] = reason
            if reason == "student-absent":
                # A no-show is reported as soon as the tutor has waited it out.
                given[session.id] = min(session.end + rng.randint(1, 40), 0)
        completed = {s.id for s in with_feedback if s.id not in not_completed}
        lessons = [s for s in with_feedback if s.id in completed]
        off_plan = {
            s.id for s in rng.sample(lessons, round(OFF_PLAN_RATE * len(lessons)))
        }

        self.make_initial_plans()
        self.make_later_changes(given, completed)

        specs = {s.id: s for s in self.students}
        levels = {s.id: dict(s.levels) for s in self.students}
        last_goal: dict[str, str] = {}
        derived = 0
        for session in with_feedback:
            when = given[session.id]
            if session.id in not_completed:
                reason = not_completed[session.id]
                self.drafts.append(
                    Draft(
                        session.id,
                        session.tutor,
                        when,
                        completed=False,
                        reason=reason,
                        student_missed=reason == "student-absent",
                        tech_issues=reason == "server-down",
                        note=rng.choice(NOT_COMPLETED_NOTES[reason]),
                    )
                )
                continue
            spec = specs[session.student]
            plan = self.plan_at(session.student, session.start)
            previous = last_goal.get(session.student)
            if session.id in off_plan or not plan:
                goal_id = self.pick_goal(spec.profile, set(plan))
                later = {
                    e.goal
                    for e in self.events
                    if e.student == session.student and e.offset > session.start
                }
                if (
                    derived < DERIVED_ADDS
                    and rng.random() < 0.4
                    and goal_id not in self.plan_at(session.student, when + 2)
                    and goal_id not in later
                ):
                    # The tool offers to add an off-plan topic to the plan.
                    derived += 1
                    self.events.append(
                        PlanEvent(
                            session.student, goal_id, "add", when + 1, session.tutor
                        )
                    )
            elif previous in plan and rng.random() < 0.45:
                goal_id = previous
            else:
                fresh = [g for g in plan if g != previous] or plan
                goal_id = rng.choice(fresh)
            last_goal[session.student] = goal_id
            goal = self.goal_by_id[goal_id]

            current = levels[session.student]
            for parameter in PARAMETERS:
                roll = rng.random()
                step = 1 if roll < 0.2 else -1 if roll < 0.27 else 0
                current[parameter] = clamp(current[parameter] + step)

            platform = spec.platform if rng.random() < 0.9 else "zoom"
            self.drafts.append(
                Draft(
                    session.id,
                    session.tutor,
                    when,
                    completed=True,
                    platform=platform,
                    evaluation=dict(current),
                    goal=goal_id,
                    focus=self.focus_for(goal),
                    language_seen=self.language_for(goal),
                    follow_up=self.follow_up_for(goal),
                    comments=rng.choice(COMMENTS) if rng.random() < 0.35 else "",
                )
            )
        if derived < DERIVED_ADDS:
            raise RuntimeError(f"only {derived} off-plan goals were added to a plan")

        done = [d for d in self.drafts if d.completed]
        for draft in rng.sample(done, round(TECH_ISSUES_RATE * len(done))):
            draft.tech_issues = True
            draft.note = rng.choice(TECH_NOTES)
        self.award_great_work(done)
        self.award_doing_great(done)
        self.amend(done)

    def award_great_work(self, done: list[Draft]) -> None:
        previous: dict[str, dict[str, int]] = {
            s.id: dict(s.levels) for s in self.students
        }
        student_of = {s.id: s.student for s in self.sessions}
        gains: dict[str, int] = {}
        for draft in done:
            before = previous[student_of[draft.session]]
            gains[draft.session] = sum(
                1 for p in PARAMETERS if draft.evaluation[p] > before[p]
            )
            previous[student_of[draft.session]] = draft.evaluation
        for tutor in self.tutors:
            pool = [d for d in done if d.tutor == tutor]
            wanted = round(GREAT_WORK_RATE * len(pool))
            # Sessions where the student moved up are likelier to earn the badge.
            while wanted and pool:
                weights = [1 + 3 * gains[d.session] for d in pool]
                choice = self.rng.choices(pool, weights=weights)[0]
                choice.great_work = True
                pool.remove(choice)
                wanted -= 1

    def award_doing_great(self, done: list[Draft]) -> None:
        student_of = {s.id: s.student for s in self.sessions}
        start_of = {s.id: s.start for s in self.sessions}
        since: Counter[str] = Counter()
        due: dict[str, int] = {}
        for draft in done:
            student = student_of[draft.session]
            since[student] += 1
            if student not in due:
                due[student] = self.rng.randint(4, 8)
            if since[student] < due[student]:
                continue
            plan = self.plan_at(student, start_of[draft.session])
            areas = sorted({self.goal_by_id[g].area for g in plan})
            if not areas:
                continue
            own = self.goal_by_id[draft.goal].area if draft.goal else None
            draft.doing_great = own if own in areas else self.rng.choice(areas)
            since[student] = 0
            due[student] = self.rng.randint(5, 10)

    def amend(self, done: list[Draft]) -> None:
        rng = self.rng
        chosen: list[Draft] = []
        for tutor in TEACHERS:
            options = [d for d in done if d.tutor == tutor and d.given < -5 * DAY]
            chosen.append(rng.choice(options))
        for first in chosen[:AMENDED]:
            later = replace(first, version=2, evaluation=dict(first.evaluation))
            later.given = min(first.given + rng.randint(30, 20 * HOUR), -HOUR)
            extra = rng.choice(AMEND_NOTES)
            later.comments = f"{first.comments} {extra}".strip()
            if first.goal:
                later.follow_up = self.follow_up_for(self.goal_by_id[first.goal])
            self.drafts.append(later)

    def build(self) -> dict[str, Any]:
        self.make_students()
        self.make_timetable()
        self.make_feedback()
        order = {s.id: i for i, s in enumerate(self.sessions)}
        drafts = sorted(self.drafts, key=lambda d: (order[d.session], d.version))
        events = sorted(self.events, key=lambda e: (e.offset, e.student))
        return {
            "tutors": [
                {"id": t.id, "name": t.name, "email": t.email, "role": t.role}
                for t in TUTORS
            ],
            "students": [
                {"id": s.id, "name": s.name, "levels": dict(s.levels)}
                for s in self.students
            ],
            "sessions": [
                {
                    "id": s.id,
                    "tutor": s.tutor,
                    "student": s.student,
                    "offset_minutes": s.start,
                    "minutes": s.minutes,
                }
                for s in self.sessions
            ],
            "feedback": [d.record() for d in drafts],
            "plan_changes": [
                {
                    "student": e.student,
                    "goal": e.goal,
                    "action": e.action,
                    "offset_minutes": e.offset,
                    "by": e.by,
                }
                for e in events
            ],
        }


def check_goals(goals: list[Goal]) -> list[str]:
    errors: list[str] = []
    ids = Counter(g.id for g in goals)
    errors += [f"goal id {i!r} is not unique" for i, n in ids.items() if n > 1]
    for goal in goals:
        if not SLUG.match(goal.id):
            errors.append(f"goal id {goal.id!r} is not a lowercase ascii slug")
        if goal.area not in AREAS:
            errors.append(f"goal {goal.id!r} has unknown area {goal.area!r}")
        if not goal.title or goal.title[0] != goal.title[0].upper():
            errors.append(f"goal {goal.id!r} title is not in sentence case")
    per_area = Counter(g.area for g in goals)
    errors += [
        f"area {a!r} has only {per_area[a]} goals" for a in AREAS if per_area[a] < 6
    ]
    errors += [
        f"focus for {goal_id!r} is longer than {FOCUS_MAX} characters"
        for goal_id, (focus, _) in GOAL_NOTES.items()
        if len(focus) > FOCUS_MAX
    ]
    return errors


def check_demo(data: dict[str, Any], goals: list[Goal]) -> list[str]:
    errors: list[str] = []
    goal_area = {g.id: g.area for g in goals}

    def unique(kind: str, ids: list[str]) -> None:
        for item, count in Counter(ids).items():
            if count > 1:
                errors.append(f"{kind} id {item!r} is not unique")

    tutors = {t["id"]: t for t in data["tutors"]}
    students = {s["id"]: s for s in data["students"]}
    sessions = {s["id"]: s for s in data["sessions"]}
    unique("tutor", [t["id"] for t in data["tutors"]])
    unique("student", [s["id"] for s in data["students"]])
    unique("session", [s["id"] for s in data["sessions"]])

    for tutor in data["tutors"]:
        if tutor["role"] not in ("tutor", "admin"):
            errors.append(f"tutor {tutor['id']} has role {tutor['role']!r}")
        if not tutor["email"].endswith(f"@{DOMAIN}"):
            errors.append(f"tutor {tutor['id']} has email {tutor['email']!r}")
    for student in data["students"]:
        if set(student["levels"]) != set(PARAMETERS):
            errors.append(
                f"student {student['id']} has levels {sorted(student['levels'])}"
            )
        for value in student["levels"].values():
            if not LOWEST <= value <= HIGHEST:
                errors.append(f"student {student['id']} has level {value}")

    previous_start: int | None = None
    busy: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for session in data["sessions"]:
        sid, start, minutes = (
            session["id"],
            session["offset_minutes"],
            session["minutes"],
        )
        if session["tutor"] not in tutors:
            errors.append(f"session {sid} has unknown tutor {session['tutor']!r}")
        if session["student"] not in students:
            errors.append(f"session {sid} has unknown student {session['student']!r}")
        if start % SLOT or minutes not in (30, 45, 60):
            errors.append(f"session {sid} starts at {start} for {minutes} minutes")
        if not -PAST_DAYS * DAY <= start < FUTURE_DAYS * DAY:
            errors.append(f"session {sid} is outside the demo period")
        if previous_start is not None and start < previous_start:
            errors.append(f"session {sid} is out of chronological order")
        previous_start = start
        for who in (f"tutor:{session['tutor']}", f"student:{session['student']}"):
            if overlaps(busy[who], start, start + minutes):
                errors.append(f"session {sid} overlaps another session of {who}")
            busy[who].append((start, start + minutes))

    events = sorted(data["plan_changes"], key=lambda e: e["offset_minutes"])
    teaches = {(s["tutor"], s["student"]) for s in data["sessions"]}

    def plan_at(student: str, moment: int) -> set[str]:
        active: set[str] = set()
        for event in events:
            if event["student"] == student and event["offset_minutes"] <= moment:
                if event["action"] == "add":
                    active.add(event["goal"])
                else:
                    active.discard(event["goal"])
        return active

    replay: dict[str, set[str]] = defaultdict(set)
    for event in events:
        student, goal = event["student"], event["goal"]
        if student not in students or goal not in goal_area:
            errors.append(f"plan change {event} names an unknown student or goal")
            continue
        if (event["by"], student) not in teaches:
            errors.append(
                f"plan change {event} is by a tutor who doesn't teach {student}"
            )
        if event["action"] == "add":
            if goal in replay[student]:
                errors.append(f"plan change adds {goal} twice for {student}")
            replay[student].add(goal)
        elif event["action"] == "remove":
            if goal not in replay[student]:
                errors.append(f"plan change removes inactive {goal} for {student}")
            replay[student].discard(goal)
            if not replay[student]:
                errors.append(f"plan change leaves {student} without a plan")
        else:
            errors.append(f"plan change has action {event['action']!r}")
    for sid in NEW_STUDENTS:
        if replay.get(sid):
            errors.append(f"{sid} should have no study plan")

    versions: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in data["feedback"]:
        session = sessions.get(record["session"])
        if session is None:
            errors.append(f"feedback names unknown session {record['session']!r}")
            continue
        versions[record["session"]].append(record)
        label = f"feedback {record['session']} v{record['version']}"
        start, end = (
            session["offset_minutes"],
            session["offset_minutes"] + session["minutes"],
        )
        given = record["given_offset_minutes"]
        if record["tutor"] != session["tutor"]:
            errors.append(f"{label} is by {record['tutor']}, not the session's tutor")
        if not (
            max(end, start + 10) <= given <= start + LATEST_FEEDBACK and given <= 0
        ):
            errors.append(f"{label} is given at {given}, outside the allowed window")
        if record["completed"]:
            evaluation = record["evaluation"]
            if set(evaluation) != set(PARAMETERS) or not all(
                LOWEST <= v <= HIGHEST for v in evaluation.values()
            ):
                errors.append(f"{label} has evaluation {evaluation}")
            if record["goal"] not in goal_area:
                errors.append(f"{label} has unknown goal {record['goal']!r}")
            if not 0 < len(record["focus"]) <= FOCUS_MAX:
                errors.append(f"{label} has focus {record['focus']!r}")
            if not (
                record["language_seen"] and record["follow_up"] and record["platform"]
            ):
                errors.append(f"{label} misses a required answer")
            if record["reason"] is not None:
                errors.append(f"{label} is completed but has a reason")
            if record["doing_great"] is not None:
                areas = {goal_area.get(g) for g in plan_at(session["student"], start)}
                if record["doing_great"] not in areas:
                    errors.append(f"{label} awards an area outside the study plan")
            if record["tech_issues"] != bool(record["note"]):
                errors.append(f"{label} has tech issues without a note, or the reverse")
        else:
            reason = record["reason"]
            if reason not in REASONS:
                errors.append(f"{label} has reason {reason!r}")
            if record["student_missed"] != (reason == "student-absent"):
                errors.append(f"{label} has student_missed {record['student_missed']}")
            empty = (
                record["evaluation"] == {}
                and record["goal"] is None
                and record["platform"] is None
                and record["doing_great"] is None
                and not record["great_work"]
                and not any(record[k] for k in ("focus", "language_seen", "follow_up"))
            )
            if not empty or not record["note"]:
                errors.append(f"{label} is not completed but carries lesson content")
    for sid, records in versions.items():
        numbers = [r["version"] for r in records]
        if numbers != list(range(1, len(records) + 1)):
            errors.append(f"feedback for {sid} has versions {numbers}")
        times = [r["given_offset_minutes"] for r in records]
        if times != sorted(times) or len(set(times)) != len(times):
            errors.append(f"feedback versions for {sid} are not in time order")
        if len(records) > 1 and not records[0]["completed"]:
            errors.append(f"feedback for {sid} amends a locked session")

    latest = {sid: records[-1] for sid, records in versions.items()}
    last_levels = {sid: dict(s["levels"]) for sid, s in students.items()}
    for session in data["sessions"]:
        record = latest.get(session["id"])
        if record is None or not record["completed"]:
            continue
        before = last_levels[session["student"]]
        after = record["evaluation"]
        if any(abs(after[p] - before[p]) > 1 for p in PARAMETERS if p in after):
            errors.append(f"feedback {session['id']} moves a level by more than 1")
        last_levels[session["student"]] = dict(after)

    pending = pending_sessions(data)
    maria = [s for s in pending if s["tutor"] == "maria"]
    fresh = [s for s in maria if s["offset_minutes"] + s["minutes"] > -DAY]
    overdue = [s for s in maria if s["offset_minutes"] < -DEADLINE]
    if not 6 <= len(maria) <= 12:
        errors.append(f"maria has {len(maria)} pending sessions, not 6 to 12")
    if len(fresh) < 2 or not overdue or len(overdue) == len(maria):
        errors.append("maria's pending sessions lack a mix of fresh and overdue ones")
    for sid in NEW_STUDENTS:
        if not any(s["student"] == sid for s in maria):
            errors.append(f"{sid} has no pending session with maria")
    return errors


def pending_sessions(data: dict[str, Any]) -> list[dict[str, Any]]:
    given = {f["session"] for f in data["feedback"]}
    return [
        s
        for s in data["sessions"]
        if s["offset_minutes"] + s["minutes"] <= 0 and s["id"] not in given
    ]


def summary(data: dict[str, Any], goals: list[Goal]) -> str:
    lines = [f"goals: {len(goals)} " + str(dict(Counter(g.area for g in goals)))]
    lines.append(
        f"students: {len(data['students'])}, sessions: {len(data['sessions'])}"
    )
    feedback = data["feedback"]
    latest = {f["session"]: f for f in feedback}
    lines.append(
        f"feedback records: {len(feedback)} on {len(latest)} sessions, "
        f"amended: {len(feedback) - len(latest)}"
    )
    reasons = Counter(f["reason"] for f in latest.values() if not f["completed"])
    lines.append(f"not completed: {sum(reasons.values())} {dict(reasons)}")
    pending = pending_sessions(data)
    for tutor in data["tutors"]:
        tid = tutor["id"]
        mine = [s for s in data["sessions"] if s["tutor"] == tid]
        done = [f for f in latest.values() if f["tutor"] == tid and f["completed"]]
        waiting = [s for s in pending if s["tutor"] == tid]
        overdue = [s for s in waiting if s["offset_minutes"] < -DEADLINE]
        badges = sum(1 for f in done if f["great_work"])
        lines.append(
            f"{tid}: sessions {len(mine)}, completed {len(done)}, "
            f"great work {badges} ({badges / max(1, len(done)):.0%}), "
            f"pending {len(waiting)}, overdue {len(overdue)}"
        )
    late = sum(
        1
        for f in feedback
        if f["version"] == 1
        and f["given_offset_minutes"]
        - next(s["offset_minutes"] for s in data["sessions"] if s["id"] == f["session"])
        > DEADLINE
    )
    done_all = [f for f in latest.values() if f["completed"]]
    events = sorted(data["plan_changes"], key=lambda e: e["offset_minutes"])
    start_of = {s["id"]: (s["student"], s["offset_minutes"]) for s in data["sessions"]}
    off_plan = 0
    for record in done_all:
        student, start = start_of[record["session"]]
        active: set[str] = set()
        for event in events:
            if event["student"] == student and event["offset_minutes"] <= start:
                if event["action"] == "add":
                    active.add(event["goal"])
                else:
                    active.discard(event["goal"])
        off_plan += record["goal"] not in active
    actions = Counter(e["action"] for e in data["plan_changes"])
    lines.append(
        f"late feedback: {late}, tech issues: "
        f"{sum(f['tech_issues'] for f in done_all)}, off-plan goals: {off_plan}, "
        f"plan changes: {dict(actions)}"
    )
    lines.append(
        "platforms: "
        + str(dict(Counter(f["platform"] for f in done_all)))
        + ", doing great: "
        + str(sum(1 for f in done_all if f["doing_great"]))
    )
    return "\n".join(lines)


def main() -> int:
    goals = load_goals(GOALS_PATH)
    errors = check_goals(goals)
    if errors:
        for error in errors:
            print(f"make_demo: {error}", file=sys.stderr)
        return 1
    data = Builder(goals).build()
    text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    DEMO_PATH.write_text(text, encoding="utf-8")
    try:
        errors = check_demo(json.loads(text), goals)
    except (KeyError, TypeError, ValueError) as exc:
        errors = [f"malformed output: {exc!r}"]
    for error in errors:
        print(f"make_demo: {error}", file=sys.stderr)
    if errors:
        return 1
    print(summary(data, goals))
    return 0


if __name__ == "__main__":
    sys.exit(main())
