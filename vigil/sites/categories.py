"""The site categories every committee starts with (issue 23). Their names are data,
stored in Vietnamese like the admin units; a committee edits them or adds its own."""

SEEDED: tuple[tuple[str, str], ...] = (
    ("airport", "Cảng hàng không, sân bay"),
    ("seaport", "Cảng biển"),
    ("border_gate", "Cửa khẩu"),
    ("power_plant", "Nhà máy điện"),
    ("coal_mine", "Mỏ than"),
    ("bridge_tunnel", "Cầu, hầm"),
    ("government_hq", "Trụ sở cơ quan Đảng, Nhà nước"),
    ("mass_gathering", "Nơi tập trung đông người"),
    ("tourist_area", "Khu du lịch"),
    ("telecom_data", "Viễn thông, trung tâm dữ liệu"),
    ("water_works", "Nhà máy nước"),
    ("fuel_depot", "Kho xăng dầu"),
    ("other", "Khác"),
)
