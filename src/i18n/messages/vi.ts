/** The public pages' words in Vietnamese (keys as in en.ts). */
import type { Messages } from "./en.ts";

export const vi: Messages = {
  skip: "Đến nội dung chính",
  languageLabel: "Ngôn ngữ",
  nav: { alerts: "Cảnh báo", subscribe: "Nhận cảnh báo", manage: "Quản lý hoặc hủy đăng ký" },
  localMode:
    "Chế độ cục bộ: ít nhất một kênh chưa có nhà cung cấp tin nhắn, nên tin nhắn chỉ được lưu trong hộp thư cục bộ và không ai nhận được.",
  footer: {
    privacy:
      "Chúng tôi không bao giờ tiết lộ ai đã đăng ký. Địa chỉ được mã hóa và chúng tôi giữ ít thông tin nhất có thể.",
    hotline: (hotline) => `Để báo cáo hoạt động hoặc được giúp đỡ, xin gọi ${hotline}.`,
    feeds: "Nguồn tin cho các trang web và ứng dụng khác:",
  },
  home: {
    title: "Cảnh báo hiện tại",
    intro: (program) =>
      `${program} gửi cảnh báo đã xác minh về hoạt động thực thi di trú và thông báo chính thức của thành phố, theo mã ZIP.`,
    filterLabel: "Mã ZIP của quý vị",
    filterHint: "5 chữ số, ví dụ 94607",
    filterButton: "Xem cảnh báo",
    showingFor: (zip) => `Cảnh báo cho mã ZIP ${zip}.`,
    showAll: "Xem tất cả cảnh báo",
    none: "Hiện không có cảnh báo nào.",
    noneForZip: (zip) => `Hiện không có cảnh báo nào cho mã ZIP ${zip}.`,
    badZip: "Xin nhập mã ZIP gồm 5 chữ số, ví dụ 94607.",
  },
  card: {
    published: "Đăng lúc",
    expires: "Hiệu lực đến",
    zips: "Mã ZIP",
    manyZips: (n) => `${n} mã ZIP`,
    readMore: "Đọc toàn bộ cảnh báo",
    follows: "Về cảnh báo trước:",
  },
  byText: {
    title: "Nhận cảnh báo qua tin nhắn",
    how: (number) => `Nhắn mã ZIP của quý vị đến số ${number}.`,
    noNumber: "Chưa thể đăng ký qua tin nhắn. Quý vị có thể nhận cảnh báo qua email hoặc trên thiết bị này.",
    localMode:
      "Đây là bản cài đặt thử nghiệm: tin nhắn không đến điện thoại thật nào. Quý vị có thể thử đăng ký qua tin nhắn trên trình mô phỏng điện thoại.",
    localModeLink: "Mở trình mô phỏng điện thoại",
    example: (zip) => `Ví dụ: ${zip}`,
    keywords: "Các từ khác quý vị có thể nhắn:",
    stop: "để ngừng nhận tất cả cảnh báo",
    list: "để xem các mã ZIP của quý vị",
    help: "để được giúp đỡ",
    language: "để nhận cảnh báo bằng tiếng Việt",
    rates: "Có thể áp dụng phí tin nhắn và dữ liệu.",
  },
  alert: {
    from: "Từ",
    published: "Đăng lúc",
    expires: "Hiệu lực đến",
    expired: "Cảnh báo này đã hết hiệu lực. Nó được giữ ở đây để tham khảo.",
    areas: "Ở đâu",
    zipCodes: "Mã ZIP",
    drill: "Đây là diễn tập. Quý vị không cần làm gì.",
    notInLanguage: "Cảnh báo này chưa có bằng ngôn ngữ của quý vị. Đang hiển thị bằng tiếng Anh.",
    otherLanguages: "Có bằng:",
    updatedBy: "Có thông tin mới hơn về cảnh báo này:",
    cancelled: "Cảnh báo này đã được rút lại.",
    follows: "Tin này nói về một cảnh báo trước:",
    whatToDo: "Nên làm gì",
    advice: [
      "Quý vị có quyền giữ im lặng.",
      "Đừng mở cửa trừ khi nhân viên xuất trình lệnh có chữ ký của thẩm phán. Yêu cầu họ luồn lệnh qua khe cửa.",
      "Đừng chạy, đừng nói dối và đừng ký bất cứ giấy tờ gì quý vị không hiểu.",
      "Nếu an toàn, hãy ghi lại những gì quý vị thấy: thời gian, địa điểm, số nhân viên và số xe.",
    ],
    callHotline: (hotline) => `Gọi ${hotline} để báo cáo hoạt động hoặc được giúp đỡ.`,
    knowYourRights: "Biết quyền của mình",
    link: "Thêm thông tin",
    notFound: "Không có cảnh báo này. Có thể nó đã bị gỡ bỏ hoặc đường link không đầy đủ.",
    notFoundTitle: "Không tìm thấy cảnh báo",
    back: "Xem tất cả cảnh báo hiện tại",
  },
  subscribe: {
    title: "Nhận cảnh báo",
    intro:
      "Chọn mã ZIP và cách quý vị muốn nhận tin. Địa chỉ của quý vị được mã hóa và chúng tôi không bao giờ tiết lộ ai đã đăng ký.",
    zipsLabel: "Mã ZIP",
    zipsHint: (max) => `Tối đa ${max} mã, cách nhau bằng dấu cách hoặc dấu phẩy.`,
    languageLabel: "Ngôn ngữ của cảnh báo",
    emailTitle: "Qua email",
    emailLabel: "Địa chỉ email",
    emailHint: "Chúng tôi gửi đường link xác nhận trước. Không gửi gì khác cho đến khi quý vị xác nhận.",
    emailButton: "Gửi email xác nhận",
    pushTitle: "Trên thiết bị này",
    pushIntro:
      "Nhận thông báo trên điện thoại hoặc máy tính này khi có cảnh báo cho mã ZIP của quý vị. Trình duyệt sẽ xin phép quý vị.",
    pushButton: "Bật thông báo",
    pushOffButton: "Tắt thông báo trên thiết bị này",
    pushNoScript: "Thông báo trên thiết bị này cần JavaScript. Quý vị có thể dùng email hoặc tin nhắn.",
    pushUnsupported:
      "Trình duyệt này không hiển thị được thông báo từ trang web. Xin dùng email hoặc tin nhắn.",
    pushDenied:
      "Thông báo từ trang này đang bị chặn. Xin cho phép trong phần cài đặt trang web của trình duyệt rồi thử lại.",
    pushWorking: "Đang hỏi trình duyệt…",
    pushOn: "Thông báo đã được bật trên thiết bị này.",
    pushOff: "Thông báo đã được tắt trên thiết bị này.",
    pushFailed: "Đã có lỗi. Xin kiểm tra các mã ZIP ở trên rồi thử lại.",
    pushBrowserFailed:
      "Trình duyệt này không bật được thông báo. Xin thử lại sau, hoặc dùng email hay tin nhắn.",
    pushTimeout:
      "Trình duyệt của quý vị không trả lời. Nếu trình duyệt hỏi có cho phép thông báo không, xin trả lời rồi bấm nút lại, hoặc dùng email hay tin nhắn.",
    pushUnavailable: "Trang này chưa hỗ trợ thông báo. Xin dùng email hoặc tin nhắn.",
    honeypot: "Xin để trống ô này",
    errors: {
      zipsMissing: "Xin nhập ít nhất một mã ZIP gồm 5 chữ số.",
      zipsMalformed: (bad) => `“${bad}” không phải là mã ZIP gồm 5 chữ số.`,
      zipsOutside: (zips) => `Ngoài khu vực phục vụ: ${zips}.`,
      zipsTooMany: (max) => `Xin nhập tối đa ${max} mã ZIP.`,
      emailMissing: "Xin nhập địa chỉ email.",
      emailInvalid: "Xin nhập địa chỉ email như ten@vidu.org.",
      rateLimited: "Có quá nhiều yêu cầu từ kết nối của quý vị. Xin chờ một phút rồi thử lại.",
      summary: "Xin sửa các ô được đánh dấu bên dưới.",
    },
    sentTitle: "Xin kiểm tra email",
    sent: (email, hours) =>
      `Chúng tôi đã gửi đường link xác nhận đến ${email}. Xin mở trong vòng ${hours} giờ để bắt đầu nhận cảnh báo. Nếu không thấy, xin xem thư mục thư rác hoặc thử lại sau 10 phút.`,
  },
  manage: {
    yoursTitle: "Cảnh báo qua email của quý vị",
    yoursIntro:
      "Quý vị đến đây từ đường link trong email của chúng tôi. Quý vị có thể đổi mã ZIP hoặc ngôn ngữ, hoặc hủy đăng ký.",
    save: "Lưu thay đổi",
    saved: (zips) => `Đã lưu. Quý vị sẽ nhận cảnh báo cho ${zips}.`,
    unsubscribe: "Hủy nhận cảnh báo qua email",
    invalidLink:
      "Đường link này không hợp lệ. Xin mở lại đường link ở cuối một email cảnh báo của chúng tôi.",
    stopped: "Địa chỉ này đã hủy đăng ký. Xin đăng ký lại để nhận cảnh báo.",
    title: "Quản lý hoặc hủy đăng ký",
    textTitle: "Tin nhắn",
    text: "Nhắn một trong các từ sau từ số điện thoại quý vị đã đăng ký:",
    remove: "để ngừng nhận cảnh báo cho một mã ZIP, ví dụ XÓA 94607",
    emailTitle: "Email",
    email:
      "Mỗi email cảnh báo đều có đường link “Hủy đăng ký” ở cuối. Mở link đó để ngừng nhận cảnh báo qua email. Để đổi mã ZIP, xin hủy đăng ký rồi đăng ký lại.",
    pushTitle: "Thông báo trên thiết bị này",
    push: "Để đổi mã ZIP cho thiết bị này, xin đăng ký lại ở trang “Nhận cảnh báo”. Để ngừng, xin tắt thông báo tại đây:",
  },
};
