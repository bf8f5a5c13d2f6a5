"""Details a report names whatever its language: the kind of place (a car wash, a bakery, a checkpoint),
a vehicle (an e-bike, a pickup) and a colour. "El lavado de carros", "洗车场" and "the car wash" share
no word, so without this a report that points at an event only by such a detail ("¿siguen en el car
wash?", "三辆白色面包车") matches nothing in another language. Each detail becomes a feature of its own
(see `features.analyze_text`), weighed by its rarity like any word: "white" said by every other
incident soon weighs nothing, "car wash" said by one weighs a lot.

The forms are written in the reporters' own spelling (shortcuts, no accents, inflected forms where a
language inflects) and folded through `normalize_text` at import like the reports themselves. A form of
several words matches those words in a row; a one-word form also matches a word that adds up to three
letters to it (an ending) if four or more are left; a Chinese or Korean form matches inside a run of text.
Forms were written for Vigil from general knowledge of the languages, not taken from any report set.
"""

from __future__ import annotations

import re

from vigil.incidents.grouping.folding import normalize_text

# One detail per line: its name, then its forms separated by "|".
_DETAILS_TEXT = """
carwash: car wash | carwash | car washes | lavado de carros | lavado de autos | lavadero | lavaderos | autolavado |
  lave-auto | lavage auto | lavaj machin | lavaj | myjnia | myjni | myjnie | автомойка | автомойке | мойка | мойке |
  مغسلة سيارات | مغسلة السيارات | غسيل السيارات | غسيل سيارات | کار واش | گاڑی دھونے | কার ওয়াশ | কারওয়াশ |
  গাড়ি ধোয়া | 洗车 | 세차
checkpoint: checkpoint | checkpoints | check point | roadblock | reten | retenes | punto de control | barrage |
  point de controle | baraj | chekpwen | blokada | punkt kontrolny | kontrola drogowa | блокпост | пост проверки |
  проверка документов на дороге | نقطة تفتيش | حاجز | كمين | چیک پوائنٹ | ناکہ | চেকপয়েন্ট | চেকপোস্ট |
  তল্লাশি চৌকি | 检查站 | 检查点 | 关卡 | 路检 | 검문소 | 검문
bike: e-bike | ebike | e-bikes | ebikes | e bike | electric bike | bike | bikes | moped | mopeds | scooter | scooters |
  citi bike | bicicleta | bicicletas | bici | bicis | moto | motos | motoneta | scooter electrico | patineta |
  velo | velos | trottinette | bisiklet | bekan | moto elektrik | rower | rowery | rowerow | hulajnoga | skuter |
  skutery | велосипед | велосипеды | велосипедов | электровелосипед | самокат | мопед | мопеды | скутер |
  دراجة | دراجات | دراجة كهربائية | سكوتر | موتوسيكل | سائیکل | ای بائیک | موٹر سائیکل | اسکوٹر | বাইক |
  ই-বাইক | ইবাইক | মোপেড | সাইকেল | স্কুটার | 电动车 | 电单车 | 电瓶车 | 自行车 | 单车 | 摩托 | 滑板车 | 전기자전거 |
  자전거 | 오토바이 | 스쿠터
delivery: delivery | deliveries | delivery guys | delivery workers | deliverista | deliveristas | repartidor |
  repartidores | livreur | livreurs | livrezon | moun livrezon | dostawca | dostawcy | kurier | kurierzy | курьер |
  курьеры | курьеров | доставка | доставщик | توصيل | عمال التوصيل | ڈیلیوری | ডেলিভারি | 外卖 | 送餐 | 快递 | 배달
laundromat: laundromat | laundry | laundromats | lavanderia | lavanderias | lavamatico | laverie | lavomatic |
  lavanderi | landri | pralnia | pralni | pralnie | прачечная | прачечной | прачечную | مغسلة ملابس | مغسلة الملابس |
  لانڈری | لانڈرومیٹ | লন্ড্রি | 洗衣店 | 洗衣房 | 自助洗衣 | 빨래방 | 세탁소
tires: tire shop | tire shops | tires | tyres | gomeria | gomerias | gomera | llantera | llanteria | llantas |
  pneus | garage de pneus | kawotchou | wulkanizacja | wulkanizator | opony | шиномонтаж | шины | إطارات |
  الإطارات | ٹائر | ٹائروں | টায়ার | 轮胎 | 补胎 | 타이어
bakery: bakery | bakeries | panaderia | panaderias | pasteleria | boulangerie | patisserie | boulanjri | boulanjeri |
  piekarnia | piekarni | piekarnie | cukiernia | пекарня | пекарне | пекарню | булочная | булочной | مخبز | مخبزة |
  فرن | بیکری | বেকারি | 面包店 | 面包房 | 烘焙店 | 饼店 | 빵집 | 제과점 | 베이커리
restaurant: restaurant | restaurants | diner | kitchen | restaurante | restaurantes | cocina | fonda | taqueria |
  comedor | cuisine | restoran | kizin | restauracja | restauracji | kuchnia | kuchni | bar mleczny | ресторан |
  ресторане | кафе | кухня | кухне | столовая | مطعم | المطعم | مطبخ | ریسٹورنٹ | ریستوران | ہوٹل | کچن |
  রেস্টুরেন্ট | রেস্তোরাঁ | রেস্তোরা | হোটেলে | রান্নাঘর | 餐馆 | 餐厅 | 饭店 | 饭馆 | 厨房 | 餐館 | 식당 | 레스토랑 | 주방
grocery: deli | delis | bodega | bodegas | grocery | grocery store | corner store | colmado | tienda de la esquina |
  abarrotes | epicerie | depanneur | boutik | ti boutik | delikatesy | sklep spozywczy | sklepik | гастроном |
  продуктовый | продуктовом | магазинчик | بقالة | البقالة | دكان | کریانہ | جنرل اسٹور | মুদি | মুদির দোকান | বোডেগা |
  ডেলি | 杂货店 | 便利店 | 小卖部 | 熟食店 | 편의점 | 식료품점 | 구멍가게
market: market | markets | supermarket | supermarkets | fish market | mercado | mercados | supermercado |
  supermercados | marche | supermarche | mache | makèt | maket | supermache | targ | targu | rynek | rynku |
  supermarket | рынок | рынке | рынка | супермаркет | супермаркете | سوق | السوق | سوبر ماركت | السوبرماركت |
  مارکیٹ | بازار | سپر مارکیٹ | মার্কেট | বাজার | সুপারমার্কেট | 超市 | 市场 | 菜市场 | 鱼市 | 마트 | 시장 | 슈퍼
shop: store | stores | shop | shops | dollar store | 99 cent store | tienda | tiendas | tienda de dolar | almacen |
  magasin | boutique | magazen | sklep | sklepu | sklepie | магазин | магазине | лавка | متجر | محل | المحل |
  دکان | دوکان | اسٹور | দোকান | দোকানে | স্টোর | 商店 | 店里 | 店铺 | 가게 | 상점
hardware: hardware store | hardware | ferreteria | ferreterias | quincaillerie | kenkayri | sklep zelazny |
  хозяйственный | хозтовары | متجر أدوات | عدة | ہارڈ ویئر | হার্ডওয়্যার | 五金店 | 五金 | 철물점
factory: factory | factories | warehouse | warehouses | fabrica | fabricas | almacen de | maquila | bodega de |
  usine | entrepot | atelier | faktori | izin | depo | fabryka | fabryce | fabryki | magazyn | magazynie | zaklad |
  фабрика | фабрике | завод | заводе | склад | складе | цех | цеху | مصنع | المصنع | مستودع | فیکٹری | کارخانہ |
  گودام | কারখানা | ফ্যাক্টরি | গুদাম | 工厂 | 厂里 | 制衣厂 | 仓库 | 车间 | 공장 | 창고
construction: construction | construction site | job site | obra | la obra | construccion | chantier | chantye |
  konstriksyon | budowa | budowie | budowy | стройка | стройке | стройку | строительство | موقع بناء | ورشة |
  تعمیر | کنسٹرکشن | কনস্ট্রাকশন | নির্মাণ | 工地 | 建筑工地 | 공사장 | 건설현장 | 공사 현장
nails: nail salon | nail salons | nails | manicure | salon de unas | unas | manicurista | salon de manucure | ongles |
  salon klou | manikir | salon paznokci | paznokcie | маникюр | маникюрный | ногти | صالون أظافر | أظافر |
  نیل سیلون | নেইল সেলুন | নেইল | 美甲 | 美甲店 | 指甲店 | 네일샵 | 네일 | 네일숍
barber: barbershop | barber | barbers | barber shop | hair salon | salon | barberia | peluqueria | barbero |
  barbier | coiffeur | salon de coiffure | kwafe | kwafè | babye | fryzjer | fryzjera | salon fryzjerski |
  парикмахерская | парикмахерской | барбершоп | حلاق | صالون حلاقة | الحلاق | نائی | حجام | باربر | সেলুন |
  নাপিত | পার্লার | 理发店 | 理发 | 发廊 | 美发 | 이발소 | 미용실
school: school | schools | daycare | school gate | dropoff | drop off | escuela | escuelas | colegio |
  guarderia | ecole | garderie | lekol | lekòl | szkola | szkole | szkoly | przedszkole | школа | школы | школе |
  садик | детский сад | مدرسة | المدرسة | روضة | اسکول | سکول | স্কুল | স্কুলের | 学校 | 小学 | 幼儿园 | 학교 | 어린이집
church: church | churches | iglesia | iglesias | templo | eglise | legliz | kosciol | kosciola | kosciele | церковь |
  церкви | храм | كنيسة | الكنيسة | چرچ | گرجا | গির্জা | চার্চ | 教堂 | 教会 | 교회 | 성당
mosque: mosque | masjid | mezquita | mosquee | moske | meczet | мечеть | мечети | مسجد | المسجد | মসজিদ | 清真寺 | 모스크
court: court | courthouse | immigration court | corte | tribunal | juzgado | tribinal | sadu | sadzie | суд |
  суда | суде | محكمة | المحكمة | عدالت | کورٹ | কোর্ট | আদালত | 法院 | 法庭 | 법원
shelter: shelter | shelters | albergue | refugio | refuge | foyer | abri | schronisko | приют | приюте | ночлежка |
  ملجأ | مأوى | شیلٹر | আশ্রয় | শেল্টার | 收容所 | 庇护所 | 쉼터
pantry: food pantry | pantry | food bank | food line | food distribution | free food | despensa | banco de comida |
  comida gratis | reparto de comida | banque alimentaire | distribution alimentaire | manje gratis | bank zywnosci |
  darmowe jedzenie | продуктовый банк | раздача еды | бесплатная еда | بنك الطعام | توزيع الطعام | طعام مجاني |
  مفت کھانا | راشن | খাবার বিতরণ | ফুড ব্যাংক | ফুড প্যান্ট্রি | 食物银行 | 发食物 | 领食物 | 免费食物 | 푸드뱅크 | 무료 급식
hospital: hospital | clinic | emergency room | clinica | hopital | clinique | lopital | klinik | szpital | szpitalu |
  przychodnia | больница | больнице | клиника | مستشفى | عيادة | ہسپتال | کلینک | হাসপাতাল | ক্লিনিক | 医院 | 诊所 |
  병원
bus: bus | buses | autobus | guagua | bis | otobis | автобус | автобусе | باص | حافلة | الحافلة | بس | বাস | 公交 |
  巴士 | 公车 | 버스
daylabor: day laborer | day laborers | day labor | jornalero | jornaleros | journalier | journaliers |
  travaye jounen | robotnicy dniowkowi | dniowkowi | dniowkowych | поденщики | поденщиков | عمال اليومية |
  عمال يومية | دیہاڑی دار | دیہاڑی | দিনমজুর | 打零工 | 零工 | 일용직
pickup: pickup | pickups | pick up truck | pickup truck | troca | trocas | camioneta pickup | pick-up | pikap |
  пикап | بيك اب | پک اپ | পিকআপ | 皮卡 | 픽업
minivan: minivan | minivans | mini van | minivan | monospace | minivann | минивэн | ميني فان | منی وین | মিনিভ্যান |
  小面包车 | 商务车 | 미니밴
white: white | blanco | blanca | blancos | blancas | blanc | blanche | blan | bialy | biala | biale | bialym |
  белый | белая | белые | белом | белой | ابيض | بيضاء | البيضاء | سفید | সাদা | 白色 | 白车 | 흰색 | 하얀 | 흰
black: black | negro | negra | negros | negras | noir | noire | noirs | nwa | czarny | czarna | czarne | czarnym |
  черный | черная | черные | черном | черной | اسود | سوداء | السوداء | کالا | کالی | کالے | سیاہ | কালো |
  黑色 | 黑车 | 검은 | 검정 | 까만
grey: grey | gray | silver | gris | grises | plateado | plateada | plata | argent | argente | gri | szary | szara |
  szare | srebrny | srebrna | серый | серая | серые | серебристый | رمادي | رمادية | فضي | سرمئی | سلور | ধূসর |
  সিলভার | 灰色 | 银色 | 회색 | 은색
red: red | rojo | roja | rojos | rojas | rouge | rouges | wouj | czerwony | czerwona | czerwone | красный | красная |
  красные | احمر | حمراء | لال | سرخ | লাল | 红色 | 紅色 | 빨간 | 빨강
blue: blue | azul | azules | bleu | bleue | ble | niebieski | niebieska | niebieskie | синий | синяя | голубой |
  ازرق | زرقاء | نیلا | نیلی | নীল | 蓝色 | 파란 | 파랑
green: green | verde | verdes | vert | verte | zielony | zielona | zielone | зеленый | зеленая | зеленые |
  اخضر | خضراء | ہرا | ہری | سبز | সবুজ | 绿色 | 綠色 | 초록 | 녹색
orange: orange | naranja | anaranjado | anaranjada | zoranj | pomaranczowy | pomaranczowa | оранжевый | оранжевая |
  برتقالي | برتقالية | نارنجی | اورنج | কমলা | 橙色 | 桔色 | 주황
yellow: yellow | amarillo | amarilla | jaune | zolty | zolta | желтый | желтая | اصفر | صفراء | پیلا | پیلی |
  হলুদ | 黄色 | 노란
brown: brown | cafe oscuro | marron | brun | mawon | brazowy | brazowa | коричневый | коричневая | بني | بنية |
  بھورا | বাদামি | 棕色 | 갈색
"""

# The token pattern of `features` (which imports this module, so it cannot be imported from there);
# the forms are cut into words exactly as report texts are.
_TOKEN = re.compile(
    "[a-z\u00df-\u024f\u0621-\u064a\u066e-\u06d3\u06fa-\u06ff\u0980-\u09e3\u0900-\u0963\u0970-\u097f]+|[0-9]+"
    "|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff]+|[\uac00-\ud7a3]+"
)


def _read(blob: str) -> tuple[dict[str, str], dict[tuple[str, ...], str], frozenset[str], tuple[tuple[str, str], ...]]:
    """Single-word forms, several-word forms (by their words), the first words of those, and the
    Chinese/Korean forms (matched inside a run), each with its detail's name."""
    single: dict[str, str] = {}
    several: dict[tuple[str, ...], str] = {}
    inside: list[tuple[str, str]] = []
    for entry in re.split(r"\n(?=\S)", blob.strip()):
        name, _colon, forms = entry.partition(":")
        for form in forms.split("|"):
            words = tuple(_TOKEN.findall(normalize_text(form)))
            if not words:
                continue
            if len(words) == 1 and words[0][0] >= "\u3040":
                inside.append((words[0], name.strip()))
            elif len(words) == 1:
                single.setdefault(words[0], name.strip())
            else:
                several.setdefault(words, name.strip())
    return single, several, frozenset(w[0] for w in several), tuple(inside)


_SINGLE, _SEVERAL, _SEVERAL_FIRST, _INSIDE = _read(_DETAILS_TEXT)
_LONGEST = max((len(words) for words in _SEVERAL), default=1)


def detail_names(tokens: list[str]) -> list[str]:
    """The details the folded tokens of a text name, each once, in the order first named."""
    found: dict[str, None] = {}
    get = _SINGLE.get
    last = len(tokens)
    for i, token in enumerate(tokens):
        name = get(token)
        if name is None and len(token) > 4:
            # An ending the form does not have: case endings (рынке, চেকপয়েন্টে), plurals, particles;
            # what is left is four letters or more, so that "redada" is not "red".
            for cut in range(1, min(3, len(token) - 4) + 1):
                name = get(token[:-cut])
                if name is not None:
                    break
        if name is not None:
            found[name] = None
        if token in _SEVERAL_FIRST:
            for n in range(2, _LONGEST + 1):
                name = _SEVERAL.get(tuple(tokens[i : i + n])) if i + n <= last else None
                if name is not None:
                    found[name] = None
        elif token[0] >= "\u3040":
            for form, name in _INSIDE:
                if form in token:
                    found[name] = None
    return list(found)
