"""What officers read for a job's status and stage: one set of Vietnamese labels for the
pages, the API's messages and the CLI (codes stay in the JSON)."""

from __future__ import annotations

STATUS_LABELS = {"queued": "Đang chờ", "running": "Đang xử lý", "succeeded": "Hoàn thành",
                 "failed": "Lỗi", "rejected": "Dữ liệu bị từ chối", "cancelled": "Đã hủy"}
STAGE_LABELS = {"queued": "Đang chờ xử lý", "starting": "Bắt đầu", "reading": "Đọc tệp số liệu",
                "validating": "Kiểm tra số liệu", "aggregating": "Tổng hợp số liệu",
                "rendering": "Lập văn bản", "storing": "Lưu văn bản", "done": "Hoàn thành",
                "failed": "Không lập được báo cáo", "rejected": "Số liệu có lỗi cần sửa",
                "cancelled": "Đã hủy"}
