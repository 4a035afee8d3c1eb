"""Known-good values of Table 3 (March 2024), as published in SOF's plan of June 2024.

Each tuple: unit code, unit name (without the managers marker), permanent
employees, FTEs, mean age, managers. The test
``test_expected_rows_appear_in_the_source`` checks these against the source
text independently of the parser. :func:`swedish` writes a number as the
table does, for tests that make inputs from these values.
"""

PUBLISHED = [
    ("52", "Socialnämnd", 1555, 1498.42, 47.2, 1),
    ("5200102", "Ekonomienhet", 3, 3.0, 53.3, 1),
    ("5200105", "Administrativ enhet", 12, 12.0, 49.8, 1),
    ("52002", "Myndighetsavdelning", 60, 60.0, 45.7, 1),
    ("5200201", "Myndighetsavdeln ledning", 6, 6.0, 48.7, 1),
    ("5200202", "Handläggarenheten", 20, 20.0, 44.0, 1),
    ("5200203", "Funktionshinderenheten", 17, 17.0, 42.4, 1),
    ("5200204", "Mottagningsenheten", 17, 17.0, 50.1, 1),
    ("52003", "SÄBO", 494, 462.63, 47.4, 1),
    ("5200301", "Avd chef SÄBO", 24, 23.5, 51.5, 1),
    ("5200303", "Fältgatan 75 / DV", 33, 30.85, 46.8, 1),
    ("5200304", "Fältgatan 77", 35, 33.05, 47.6, 1),
    ("5200305", "Tingsbrogården", 44, 40.27, 48.4, 1),
    ("5200306", "Kilåkern", 24, 22.31, 48.2, 1),
    ("5200307", "Roma Äldreboende", 56, 54.8, 45.6, 2),
    ("5200308", "Syrengården", 23, 22.2, 50.0, 1),
    ("5200309", "Stuxgården", 38, 35.97, 48.9, 1),
    ("5200312", "Korttidsenheten Visby", 72, 67.93, 48.4, 2),
    ("5200313", "Åvallegården", 30, 26.28, 46.1, 1),
    ("5200314", "Pjäsen", 115, 105.46, 45.8, 4),
    ("52004", "Hemtjänst", 368, 350.38, 44.5, 1),
    ("5200401", "Hemtjänst avdelningschef", 14, 14.0, 47.4, 1),
    ("5200405", "Hemtjänst natt", 58, 51.57, 47.3, 2),
    ("5200406", "Htj Västra Visby", 33, 32.25, 43.9, 1),
    ("5200409", "Htj Södra Visby 1", 29, 27.87, 45.2, 1),
    ("5200412", "Htj Norra Visby", 31, 30.15, 41.7, 1),
    ("5200417", "Htj Södra Visby 2", 28, 27.2, 39.2, 1),
    ("5200424", "Htj Norra Gotland 2", 18, 16.82, 44.8, 1),
    ("5200425", "Htj Norra Gotland 1", 34, 32.81, 43.5, 2),
    ("5200426", "Htj mellersta Gotland", 36, 35.0, 44.3, 1),
    ("5200427", "Htj Södra Gotland 1", 36, 34.87, 45.7, 1),
    ("5200431", "Htj Södra Gotland 2", 29, 27.15, 45.0, 1),
    ("5200432", "Htj Södra Gotland 3", 22, 20.7, 44.6, 1),
    ("52005", "OoF", 341, 337.21, 50.1, 1),
    ("5200501", "OOF Avd chef", 17, 17.0, 47.5, 1),
    ("5200502", "SOF OOF Område 6", 18, 17.5, 43.8, 1),
    ("5200503", "SOF OOF Område 9", 25, 24.5, 55.1, 1),
    ("5200504", "SOF OOF Område 2", 23, 22.8, 52.4, 1),
    ("5200505", "SOF OOF Område 10", 20, 20.0, 46.0, 1),
    ("5200507", "SOF OOF Område 4", 23, 22.88, 48.3, 1),
    ("5200511", "SOF OOF Område 7", 25, 25.0, 52.0, 1),
    ("5200512", "SOF OOF OMRÅDE 8", 31, 30.1, 51.5, 1),
    ("5200513", "SOF OOF Område 1", 27, 26.62, 53.0, 1),
    ("5200514", "SOF OOF Område 12", 14, 13.62, 51.4, 1),
    ("5200525", "SOF OOF Område 5", 67, 66.65, 49.9, 3),
    ("5200526", "SOF Område 11", 27, 26.8, 47.9, 1),
    ("5200527", "SOF OOF OMRÅDE 3", 24, 23.75, 49.7, 1),
    ("52006", "Hemsjukvård", 86, 83.91, 45.9, 1),
    ("5200601", "Avdelningschef Hsjv", 5, 5.0, 53.3, 1),
    ("5200602", "Team 2", 23, 23.0, 47.4, 1),
    ("5200603", "Team 1", 20, 18.16, 42.3, 1),
    ("5200604", "Team 3", 38, 37.75, 45.8, 2),
    ("52007", "IFO", 161, 158.29, 47.8, 1),
    ("5200701", "IFO gem", 12, 12.0, 49.7, 1),
    ("5200702", "Försörjningsstödsenh.", 18, 17.79, 42.8, 1),
    ("5200703", "BoF Utredning och Insats", 23, 23.0, 38.6, 1),
    ("5200704", "Socialjour,familjefridBVG", 19, 18.24, 51.3, 1),
    ("5200705", "BoU Mottagning", 12, 11.75, 52.5, 1),
    ("5200706", "Familjehem/rätt", 24, 23.0, 47.8, 1),
    ("5200707", "Familjestöd", 24, 24.0, 52.5, 1),
    ("5200708", "Beroendevård utörarverks.", 17, 16.5, 48.0, 1),
    ("5200711", "Enhet för HVB och Team", 12, 12.0, 51.6, 1),
    ("52008", "Kvalitetsavdelning", 15, 15.0, 47.8, 1),
    ("5200801", "Kvalitet&Utveckl gemensam", 8, 8.0, 47.0, 1),
    ("5200802", "Förebyggandeenhet", 7, 7.0, 48.7, 1),
    ("52010", "HR-Avdelning", 15, 15.0, 45.5, 1),
    ("5201001", "HR-enhet", 3, 3.0, 37.7, 1),
    ("5201002", "Rekryterings- och bemanningsenheten", 12, 12.0, 47.5, 1),
]


def swedish(value: float, decimals: int = 0) -> str:
    """A number written the published way (``1 498,42``), independently of the library."""
    whole, _, frac = f"{value:.{decimals}f}".partition(".")
    groups = []
    while len(whole) > 3:
        groups.append(whole[-3:])
        whole = whole[:-3]
    groups.append(whole)
    return " ".join(reversed(groups)) + ("," + frac if decimals else "")
